import ArgumentParser
import Foundation
import NAS
import Tensor

/// `nas-tui train`: trains one architecture from scratch and reports its test accuracy.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one architecture from scratch and report test accuracy and wall time.",
        discussion: """
        SGD (momentum 0.9, weight decay 3e-4, clipping at 5) with a per-step cosine schedule; a \
        chain architecture brings its own learning rate and optimizer. Without recipe options it \
        trains with no augmentation or regularisation (--recipe plain); --recipe retrain is DARTS's \
        retraining recipe for Fashion-MNIST (crop, flip, cutout, drop path, auxiliary head, label \
        smoothing; give it 10 or more epochs, and width and depth with --channels and --layers). \
        Progress goes to stderr; \
        the result to stdout ({"test_accuracy":x, ...} with --json). --save DIR keeps the trained \
        network: ONNX (opset 17; input `images`, pixels in [0, 1], normalisation inside; output \
        `logits`), safetensors weights, PyTorch code that loads them, the genotype and the metrics; \
        `nas-tui predict --model DIR` evaluates it again.
        """)

    @Option(help: "Genotype file: JSON (as export writes), a DARTS string or an NB201 string.")
    var genotype: String?

    @OptionGroup var architecture: ArchitectureOptions
    @OptionGroup(title: "Recipe") var recipe: RecipeArguments

    @Option(help: "Epochs.") var epochs: Int = 1
    @Option(help: "Data set: fashion-mnist, synthetic or a PATH (default: fashion-mnist when installed).")
    var dataset: String?
    @Option(name: .customLong("batch-size"), help: "Mini-batch size.") var batchSize: Int = 64
    @Option(help: "Initial learning rate (cosine to zero).") var lr: Float?
    @Option(help: "Random seed (weights, shuffling).") var seed: UInt64 = 0
    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.") var trainLimit: Int?
    @Option(name: .customLong("test-limit"), help: "Test on the first N test images only.") var testLimit: Int?
    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?
    @Flag(help: "Print the result as one JSON object.") var json = false
    @Option(help: ArgumentHelp("Save the trained model into DIR, a new or empty directory: model.onnx, model.safetensors, model.py, genotype.json, metrics.json.", valueName: "DIR"))
    var save: String?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs \(epochs): accepted: 1 or more") }
        guard batchSize >= 2 else { throw ValidationError("--batch-size \(batchSize): accepted: 2 or more") }
        if let lr, !(lr > 0) { throw ValidationError("--lr \(lr): accepted: a positive number") }
        if let trainLimit, trainLimit < 2 { throw ValidationError("--train-limit \(trainLimit): accepted: 2 or more") }
        if let testLimit, testLimit < 1 { throw ValidationError("--test-limit \(testLimit): accepted: 1 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): accepted: 1 or more") }
        if genotype != nil && (architecture.arch != nil || architecture.archs != nil) {
            throw ValidationError("give either --genotype FILE or --space S --arch A, not both")
        }
    }

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        let (space, _, genotype) = try resolveArchitecture()
        try checkSaveDestination()
        let data = try loadData()
        let log = { (line: String) in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        for note in data.notes { log("note: \(note)") }

        var settings = TrainingSettings()
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.seed = seed
        if let chain = try space.trainingOverrides(genotype) {
            settings.learningRate = Float(chain.learningRate)
            settings.optimizer = chain.optimizer == .adam ? .adam : .sgd
            if let momentum = chain.momentum { settings.momentum = Float(momentum) }
            if let decay = chain.weightDecay { settings.weightDecay = Float(decay) }
            if let batch = chain.batchSize { settings.batchSize = batch }
        }
        if let lr { settings.learningRate = lr }
        do {
            for note in try recipe.options.apply(to: &settings, space: space.spaceName) { log("note: \(note)") }
        } catch let error as NASError {
            throw CLIError.usage(error.description)
        }
        var generator = SeededGenerator(seed: seed)
        let model = try space.build(genotype, inputShape: data.train.imageShape, classes: data.train.classCount, generator: &generator,
                                    auxiliaryHead: settings.auxiliaryWeight > 0)
        let cost = try ModelCost.measure(model, input: data.train.imageShape)
        if let described = Self.describeRecipe(settings) { log("recipe: \(described)") }
        log("training \(genotype.summary) (\(space.name), \(cost.parameters) params, \(cost.flops) FLOPs) on \(data.train.name): \(data.train.count) images, \(epochs) epoch(s)")

        let trainer = Trainer(settings: settings)
        let result: TrainingResult
        do {
            result = try trainer.train(model, on: data.train, validation: nil, onEpoch: { report in
                log(String(format: "epoch %d: train loss %.4f, train accuracy %.4f, %.1f s", report.epoch, report.trainLoss, report.trainAccuracy, report.seconds))
            })
        } catch let error as TrainingError {
            throw CLIError.runtime("\(error)")
        }
        let test = try trainer.evaluate(model, on: data.test)
        try saveModel(model, space: space, genotype: genotype, data: data, settings: settings, test: test, cost: cost, trainSeconds: result.seconds)
        if json {
            let epochsJSON = result.epochs.map { e in
                RawJSON(text: jsonLine([("epoch", e.epoch), ("train_loss", e.trainLoss), ("train_accuracy", e.trainAccuracy), ("seconds", e.seconds)]))
            }
            print(jsonLine([
                ("test_accuracy", test.accuracy), ("test_loss", test.loss), ("train_seconds", result.seconds),
                ("epochs", epochsJSON as [Any?]), ("arch", genotype.summary), ("space", space.name), ("dataset", data.source),
                ("train_images", data.train.count), ("test_images", data.test.count),
                ("params", cost.parameters), ("flops", cost.flops), ("recipe", RawJSON(text: Self.recipeJSON(settings))),
            ]))
        } else {
            print(String(format: "test accuracy %.4f (loss %.4f) on %d images; trained in %.1f s", test.accuracy, test.loss, data.test.count, result.seconds))
        }
    }

    /// The recipe in a few words for the log ("retrain: crop padding 2, horizontal flip, …"); nil when plain.
    static func describeRecipe(_ s: TrainingSettings) -> String? {
        var parts: [String] = []
        if s.augmentation.cropPadding > 0 { parts.append("crop padding \(s.augmentation.cropPadding)") }
        if s.augmentation.horizontalFlip { parts.append("horizontal flip") }
        if s.augmentation.cutout > 0 { parts.append("cutout \(s.augmentation.cutout)") }
        if s.dropPathProbability > 0 { parts.append("drop path \(s.dropPathProbability)") }
        if s.auxiliaryWeight > 0 { parts.append("auxiliary head weight \(s.auxiliaryWeight)") }
        if s.labelSmoothing > 0 { parts.append("label smoothing \(s.labelSmoothing)") }
        guard !parts.isEmpty else { return nil }
        return (s.recipe.map { "\($0.rawValue): " } ?? "") + parts.joined(separator: ", ")
    }

    /// The recipe as `--json` reports it, with metrics.json's key names.
    static func recipeJSON(_ s: TrainingSettings) -> String {
        jsonLine([("name", s.recipe?.rawValue), ("crop_padding", s.augmentation.cropPadding), ("horizontal_flip", s.augmentation.horizontalFlip),
                  ("cutout", s.augmentation.cutout), ("drop_path", s.dropPathProbability), ("auxiliary_weight", s.auxiliaryWeight),
                  ("label_smoothing", s.labelSmoothing)])
    }

    private func resolveArchitecture() throws -> (SearchSpace, String, Genotype) {
        if let file = genotype {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CLIError.usage("--genotype \(file): cannot read the file")
            }
            let parsed: Genotype
            do { parsed = try Genotype.parse(contents) } catch { throw CLIError.usage("--genotype \(file): \(error)") }
            if let named = architecture.space, named.rawValue != parsed.spaceName {
                throw CLIError.usage("--genotype \(file) holds a \(parsed.spaceName) genotype but --space is \(named)")
            }
            let space = try architecture.searchSpace(fallback: SpaceName(rawValue: parsed.spaceName))
            if case .chain(let values) = parsed, case .chain(let chain) = space {
                do { try chain.validate(values) } catch { throw CLIError.usage("--genotype \(file): \(error)") }
            }
            return (space, contents.trimmingCharacters(in: .whitespacesAndNewlines), parsed)
        }
        let space = try architecture.searchSpace()
        let list = try architecture.architectures(in: space)
        guard list.count == 1 else { throw CLIError.usage("train takes one architecture; --archs holds \(list.count)") }
        return (space, list[0].text, list[0].genotype)
    }

    private func loadData() throws -> LoadedDatasets {
        var options = DatasetOptions(seed: seed, trainLimit: trainLimit, testLimit: testLimit)
        options.normalize = true
        let name = dataset ?? DatasetCatalog.defaultName
        do {
            var loaded = try DatasetCatalog.load(name: name, options: options)
            if dataset == nil && name == "synthetic" {
                loaded.notes.append("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); training on synthetic images")
            }
            return loaded
        } catch let error as DataError {
            throw CLIError.usage(error.description)
        }
    }
}
