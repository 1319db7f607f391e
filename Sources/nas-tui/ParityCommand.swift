import ArgumentParser
import Foundation
import NAS
import Tensor

/// `nas-tui parity DIR` (hidden; a developer's tool): trains a network from PyTorch's initial
/// weights on PyTorch's batches, both written by `bench/parity/torch_parity.py` into DIR, with
/// the trainer's own step (`TrainingStepper`), and prints the loss of every step as one JSON
/// object, for the script to compare with PyTorch's.
struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Developer tool: train from PyTorch's weights and batches (bench/parity) and print the per-step losses.",
        shouldDisplay: false)

    @Argument(help: "The directory torch_parity.py wrote: weights.safetensors, batches.safetensors.")
    var directory: String

    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        let base = URL(fileURLWithPath: directory)
        let (weights, meta) = try read(base.appendingPathComponent("weights.safetensors"))
        let (batches, _) = try read(base.appendingPathComponent("batches.safetensors"))
        func number(_ key: String) throws -> Double {
            guard let text = meta[key], let value = Double(text) else {
                throw CLIError.usage("\(directory)/weights.safetensors: metadata '\(key)' missing or not a number")
            }
            return value
        }
        guard let genotypeText = meta["genotype"] else { throw CLIError.usage("\(directory)/weights.safetensors: metadata 'genotype' missing") }
        let genotype = try Genotype.parse(genotypeText)
        let space = SearchSpace.darts(channels: Int(try number("channels")), layers: Int(try number("layers")))
        guard case .float32(let imageShape, let pixels)? = batches["images"], imageShape.count == 5,
              case .int64(let labelShape, let allLabels)? = batches["labels"], labelShape == Array(imageShape.prefix(2)) else {
            throw CLIError.usage("\(directory)/batches.safetensors: needs images F32 [steps, batch, C, H, W] and labels I64 [steps, batch]")
        }
        var generator = SeededGenerator(seed: 0)
        let model = try space.build(genotype, inputShape: Array(imageShape.suffix(3)), classes: Int(try number("classes")), generator: &generator)
        try load(weights, into: model)

        var settings = TrainingSettings()
        settings.learningRate = Float(try number("lr"))
        settings.momentum = Float(try number("momentum"))
        settings.weightDecay = Float(try number("weight_decay"))
        settings.gradientClip = Float(try number("clip"))
        let stepper = TrainingStepper(model: model, settings: settings, totalSteps: Int(try number("total_steps")))
        model.train(true)
        let (steps, batch) = (imageShape[0], imageShape[1])
        let imageSize = imageShape.suffix(3).reduce(1, *)
        var losses: [Float] = []
        for s in 0..<steps {
            let images = Tensor(uninitialized: Array(imageShape.suffix(4)))
            pixels.withUnsafeBufferPointer { images.data.update(from: $0.baseAddress! + s * batch * imageSize, count: batch * imageSize) }
            let labels = allLabels[(s * batch)..<((s + 1) * batch)].map { Int($0) }
            losses.append(try stepper.step(images: images, labels: labels).loss)
        }
        print(jsonLine([("losses", losses.map { Double($0) } as [Any?])]))
    }

    private func read(_ url: URL) throws -> ([String: SafeTensors.Entry], [String: String]) {
        do { return try SafeTensors.read(contentsOf: url) } catch { throw CLIError.usage("\(url.path): \(error)") }
    }

    /// PyTorch's parameters and buffers, named `param.NNN` / `buffer.NNN` in `named_parameters()` /
    /// `named_buffers()` order (batch counters left out), copied in the same order into ours,
    /// shape by shape (the metadata `names` lists PyTorch's names for messages).
    private func load(_ weights: [String: SafeTensors.Entry], into model: Module) throws {
        for (kind, ours) in [("param", model.namedParameters()), ("buffer", model.namedBuffers())] {
            let theirs = weights.keys.filter { $0.hasPrefix(kind + ".") }.sorted()
            guard theirs.count == ours.count else {
                throw CLIError.usage("weights: \(theirs.count) \(kind)s from PyTorch, the network has \(ours.count)")
            }
            for (key, mine) in zip(theirs, ours) {
                guard case .float32(let shape, let values)? = weights[key], shape == mine.tensor.shape else {
                    throw CLIError.usage("weights: \(key) has shape \(weights[key]?.shape ?? []), \(mine.name) needs \(mine.tensor.shape)")
                }
                values.withUnsafeBufferPointer { mine.tensor.data.update(from: $0.baseAddress!, count: values.count) }
            }
        }
    }
}
