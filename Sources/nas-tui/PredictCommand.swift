import ArgumentParser
import Foundation
import ModelExport
import NAS
import Tensor

/// `nas-tui predict`: the accuracy of a saved model on a data set, through nas-tui's own runtime.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Accuracy of a saved model (train --save DIR) on a data set's test images.",
        discussion: """
        Rebuilds the network from DIR/genotype.json and DIR/metrics.json, loads DIR/model.safetensors \
        (every tensor must match) and evaluates it on the test images of --dataset, normalised with \
        the training data's statistics stored in metrics.json. The images must have the shape the \
        model was trained on. Prints the accuracy (a fraction) and the mean loss; with --json one \
        object {"accuracy":x,"loss":y,"images":n,...}.
        """)

    @Option(help: ArgumentHelp("The saved model's directory (written by train --save DIR).", valueName: "DIR"))
    var model: String

    @Option(help: "Data set: fashion-mnist, synthetic[:CxHxW] or a PATH (default: the one the model was trained on).")
    var dataset: String?
    @Option(name: .customLong("test-limit"), help: "Evaluate on the first N test images only.") var testLimit: Int?
    @Option(help: "Seed of a synthetic data set (default: the model's training seed, so it sees the same test images).")
    var seed: UInt64?
    @Option(name: .customLong("batch-size"), help: "Images per forward pass.") var batchSize: Int = 256
    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?
    @Flag(help: "Print the result as one JSON object.") var json = false

    func validate() throws {
        if let testLimit, testLimit < 1 { throw ValidationError("--test-limit \(testLimit): accepted: 1 or more") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size \(batchSize): accepted: 1 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): accepted: 1 or more") }
    }

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        let saved: SavedModel
        do { saved = try SavedModel.load(model) } catch let error as SavedModelError { throw CLIError.usage(error.description) }
        guard let name = dataset ?? saved.dataset else {
            throw CLIError.usage("--dataset is required: \(model)/metrics.json does not name the data set it was trained on")
        }
        let options = DatasetOptions(seed: seed ?? saved.seed, trainLimit: nil, testLimit: testLimit, normalize: false)
        var test: ImageDataset
        do { test = try DatasetCatalog.load(name: name, options: options).test } catch let error as DataError {
            throw CLIError.usage(error.description)
        }
        guard test.imageShape == saved.network.inputShape else {
            let shape = test.imageShape.map(String.init).joined(separator: "x")
            throw CLIError.usage("--dataset \(name): its images are \(shape) but the model in \(model) takes \(saved.network.shapeDescription) images; accepted: a data set of \(saved.network.shapeDescription) images")
        }
        guard test.classCount <= saved.network.classes else {
            throw CLIError.usage("--dataset \(name): \(test.classCount) classes but the model in \(model) tells \(saved.network.classes) apart; accepted: a data set of at most \(saved.network.classes) classes")
        }
        if let normalization = saved.normalization {
            do { test = try test.normalized(using: normalization) } catch let error as DataError { throw CLIError.usage(error.description) }
        }
        let start = Date()
        let result: (loss: Double, accuracy: Double)
        do { result = try Trainer.evaluate(saved.model, on: test, batchSize: batchSize) } catch let error as TrainingError {
            throw CLIError.usage("--dataset \(name): \(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            print(jsonLine([
                ("accuracy", result.accuracy), ("loss", result.loss), ("images", test.count), ("dataset", name),
                ("model", model), ("space", saved.network.space), ("arch", saved.genotype.summary),
                ("saved_test_accuracy", saved.testAccuracy), ("seconds", seconds),
            ]))
        } else {
            print(String(format: "accuracy %.4f (loss %.4f) on %d images of ", result.accuracy, result.loss, test.count)
                + "\(test.name) (\(String(format: "%.1f", seconds)) s)")
        }
    }
}
