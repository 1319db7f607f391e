import ArgumentParser
import Foundation
import NAS
import Tensor

/// `nas-tui parity DIR` (hidden; a developer's tool): trains a network from PyTorch's initial
/// weights on PyTorch's batches, both written by `bench/parity/torch_parity.py` into DIR, with
/// the trainer's own step (`TrainingStepper`), and prints the loss of every step and then the
/// test loss in evaluation mode as one JSON object, for the script to compare with PyTorch's.
struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Developer tool: train from PyTorch's weights and batches (bench/parity) and print the per-step losses.",
        shouldDisplay: false)

    @Argument(help: "The directory torch_parity.py wrote: weights.safetensors, batches.safetensors.")
    var directory: String

    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?
    @Option(help: ArgumentHelp("Also write the gradient of the first batch from the initial weights (param.NNNN) to FILE.", valueName: "FILE"))
    var gradients: String?

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

        model.train(true)
        func batch(_ s: Int) -> (Tensor, [Int]) {
            let (size, imageSize) = (imageShape[1], imageShape.suffix(3).reduce(1, *))
            let images = Tensor(uninitialized: Array(imageShape.suffix(4)))
            pixels.withUnsafeBufferPointer { images.data.update(from: $0.baseAddress! + s * size * imageSize, count: size * imageSize) }
            return (images, allLabels[(s * size)..<((s + 1) * size)].map { Int($0) })
        }
        if let gradients { try writeFirstGradient(model, batch: batch(0), to: gradients) }

        var settings = TrainingSettings()
        settings.learningRate = Float(try number("lr"))
        settings.momentum = Float(try number("momentum"))
        settings.weightDecay = Float(try number("weight_decay"))
        settings.gradientClip = Float(try number("clip"))
        let stepper = TrainingStepper(model: model, settings: settings, totalSteps: Int(try number("total_steps")))
        var losses: [Float] = []
        for s in 0..<imageShape[0] {
            let (images, labels) = batch(s)
            losses.append(try stepper.step(images: images, labels: labels).loss)
        }
        // Evaluation mode on the test images: the batch-norm running statistics the steps left.
        guard case .float32(let testShape, let testPixels)? = batches["test_images"], testShape.count == 4,
              case .int64(_, let testLabels)? = batches["test_labels"], testLabels.count == testShape[0] else {
            throw CLIError.usage("\(directory)/batches.safetensors: needs test_images F32 [N, C, H, W] and test_labels I64 [N]")
        }
        let testImages = Tensor(uninitialized: testShape)
        testPixels.withUnsafeBufferPointer { testImages.data.update(from: $0.baseAddress!, count: testPixels.count) }
        model.train(false)
        let testLoss = try GradMode.withoutGrad { try model(testImages).crossEntropy(labels: testLabels.map { Int($0) }).item }
        print(jsonLine([("losses", losses.map { Double($0) } as [Any?]), ("test_loss", Double(testLoss))]))
    }

    /// The gradient of one batch's loss, written as `param.NNNN` in parameter order; the batch
    /// norms' running statistics are put back, so training starts from the same state.
    private func writeFirstGradient(_ model: Module, batch: (Tensor, [Int]), to path: String) throws {
        let buffers = model.namedBuffers().map { $0.tensor }
        let saved = buffers.map { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) }
        let parameters = model.parameters
        for p in parameters { p.grad = nil }
        try model(batch.0).crossEntropy(labels: batch.1).backward()
        var entries: [String: SafeTensors.Entry] = [:]
        for (i, p) in parameters.enumerated() {
            let values = p.grad.map { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) } ?? [Float](repeating: 0, count: p.count)
            entries[String(format: "param.%04d", i)] = .float32(shape: p.shape, values: values)
            p.grad = nil
        }
        for (b, values) in zip(buffers, saved) { values.withUnsafeBufferPointer { b.data.update(from: $0.baseAddress!, count: values.count) } }
        try SafeTensors.write(entries, to: URL(fileURLWithPath: path))
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
