import Foundation
import XCTest
@testable import ModelExport
import NAS
import Tensor

/// A small network of one space with random weights and batch-norm statistics (so every
/// tensor of the state dict matters), random images in [0, 1] and the normalisation applied to them.
struct ExportFixture {
    let name: String
    let space: SearchSpace
    let genotype: Genotype
    let model: Module
    let inputShape: [Int]
    let classes: Int
    let normalization: ChannelNormalization
    /// Pixels in [0, 1], [N, C, H, W].
    let images: Tensor

    /// A DARTS genotype that uses every operation (`none` is not one of a derived genotype); C=4,
    /// 3 cells (two reductions, so factorized reductions run both as skip_connect and as preprocessing).
    static func darts() throws -> ExportFixture {
        let g = try DartsGenotype(
            normal: [.init(.sepConv3x3, 0), .init(.dilConv3x3, 1), .init(.skipConnect, 0), .init(.maxPool3x3, 2),
                     .init(.sepConv5x5, 1), .init(.avgPool3x3, 3), .init(.avgPool3x3, 0), .init(.dilConv5x5, 4)],
            normalConcat: [2, 3, 4, 5],
            reduce: [.init(.skipConnect, 0), .init(.maxPool3x3, 1), .init(.sepConv3x3, 1), .init(.avgPool3x3, 2),
                     .init(.dilConv3x3, 0), .init(.maxPool3x3, 3), .init(.skipConnect, 2), .init(.sepConv5x5, 4)],
            reduceConcat: [3, 4, 5])
        return try make("darts", .darts(channels: 4, layers: 3), .darts(g), inputShape: [2, 12, 12], classes: 5, seed: 1)
    }

    /// Every NAS-Bench-201 operation, C=4 and one cell per stage, on 3x8x8 images: node 1 has only
    /// `none` (zeros), node 3 leaves a `none` edge out of its sum.
    static func nb201() throws -> ExportFixture {
        let a = try NB201Architecture(ops: [.none, .skipConnect, .norConv1x1, .avgPool3x3, .none, .norConv3x3])
        return try make("nb201", .nb201(channels: 4, cellsPerStage: 1), .nb201(a), inputShape: [3, 8, 8], classes: 10, seed: 2)
    }

    /// A NAS-Bench-201 cell whose last node sums three edges, two cells per stage.
    static func nb201Sum() throws -> ExportFixture {
        let a = try NB201Architecture(ops: [.norConv3x3, .skipConnect, .norConv1x1, .avgPool3x3, .skipConnect, .norConv3x3])
        return try make("nb201-sum", .nb201(channels: 4, cellsPerStage: 2), .nb201(a), inputShape: [3, 8, 8], classes: 10, seed: 4)
    }

    /// Conv layers with every activation and pool, a strided conv with batch norm, dropout, flattening and linear layers.
    static func chain() throws -> ExportFixture {
        let toml = """
            [space]
            name = "export"
            head = "flatten"
            [[layer]]
            name = "conv1"
            kind = "conv"
            kernel = 5
            channels = 6
            activation = "gelu"
            pool = "max"
            [[layer]]
            name = "conv2"
            kind = "conv"
            kernel = 3
            stride = 2
            channels = 8
            norm = "batch"
            activation = "silu"
            pool = "avg"
            dropout = 0.25
            [[layer]]
            name = "fc"
            kind = "linear"
            units = 12
            activation = "relu"
            dropout = 0.5
            """
        let space = try ChainSpace(parsing: toml, file: "export.toml")
        var generator = SeededGenerator(seed: 3)
        return try make("chain", .chain(space), .chain(space.sample(using: &generator)), inputShape: [1, 12, 12], classes: 4, seed: 3)
    }

    static func all() throws -> [ExportFixture] { [try darts(), try nb201(), try nb201Sum(), try chain()] }

    static func make(_ name: String, _ space: SearchSpace, _ genotype: Genotype, inputShape: [Int], classes: Int,
                     seed: UInt64) throws -> ExportFixture {
        var generator = SeededGenerator(seed: seed)
        let model = try space.build(genotype, inputShape: inputShape, classes: classes, generator: &generator)
        randomize(model, generator: &generator)
        let channels = inputShape[0]
        let normalization = try ChannelNormalization(mean: (0..<channels).map { 0.3 + 0.1 * Float($0) },
                                                     std: (0..<channels).map { 0.25 + 0.05 * Float($0) })
        let images = Tensor(uninitialized: [4] + inputShape)
        for i in 0..<images.count { images.data[i] = generator.nextFloat() }
        return ExportFixture(name: name, space: space, genotype: genotype, model: model, inputShape: inputShape, classes: classes,
                             normalization: normalization, images: images)
    }

    /// Convolution and linear weights as initialised (Kaiming normal, uniform); biases N(0, 0.1²);
    /// batch-norm scales 1 + N(0, 0.2²), shifts and running means N(0, 0.2²), running variances in
    /// [0.5, 1.5), counters 7: every tensor of the state dict matters, at the scale of a trained network.
    static func randomize(_ model: Module, generator: inout SeededGenerator) {
        let norms = StateDict.batchNorms(of: model).map(\.norm)
        for norm in norms {
            for i in 0..<norm.runningMean.count {
                norm.weight?.data[i] = 1 + 0.2 * generator.nextNormal()
                norm.bias?.data[i] = 0.2 * generator.nextNormal()
                norm.runningMean.data[i] = 0.2 * generator.nextNormal()
                norm.runningVar.data[i] = 0.5 + generator.nextFloat()
            }
            norm.batchesTracked = 7
        }
        for (_, module) in model.namedModules() {
            let bias = (module as? Conv2d)?.bias ?? (module as? Linear)?.bias
            if let bias { for i in 0..<bias.count { bias.data[i] = 0.1 * generator.nextNormal() } }
        }
    }

    /// Our logits for `images`: the normalisation as the graph does it ((x - mean) / std), then the
    /// network in evaluation mode.
    func logits(for images: Tensor? = nil) throws -> Tensor {
        let x = (images ?? self.images).copy()
        let plane = inputShape[1] * inputShape[2], c = inputShape[0]
        for i in 0..<x.count {
            let channel = (i / plane) % c
            x.data[i] = (x.data[i] - normalization.mean[channel]) / normalization.std[channel]
        }
        model.train(false)
        return try GradMode.withoutGrad { try model(x) }
    }

    /// Metrics of this network: cost and latency measured, accuracy on a small synthetic set.
    func metrics() throws -> ModelMetrics {
        let network = try SavedNetwork(space: space, genotype: genotype, inputShape: inputShape, classes: classes)
        var synthetic = SyntheticDataset(classCount: classes, channels: inputShape[0], height: inputShape[1], width: inputShape[2])
        synthetic.seed = 5
        let test = try synthetic.make(count: 8, sampleSeed: 6, name: "synthetic/test").normalized(using: normalization)
        let evaluation = try Trainer.evaluate(model, on: test, batchSize: 4)
        var settings = TrainingSettings()
        settings.seed = 5
        return ModelMetrics(network: network, normalization: normalization, dataset: "synthetic:\(network.shapeDescription)",
                            trainImages: 0, testImages: test.count, testAccuracy: evaluation.accuracy, testLoss: evaluation.loss,
                            cost: try ModelCost.measure(model, input: inputShape),
                            latencyMs: try LatencyMeasurement.forwardMilliseconds(model, input: inputShape, runs: 2),
                            training: settings, trainSeconds: 0)
    }

    /// Writes the saved model into a new temporary directory and returns its path.
    func save() throws -> String {
        let path = temporaryPath("model-\(name)")
        try SavedModel.write(model, genotype: genotype, metrics: try metrics(), to: path)
        return path
    }
}

/// A path in a fresh temporary directory (the directory itself is not created).
func temporaryPath(_ name: String) -> String {
    let parent = NSTemporaryDirectory() + "nas-tui-export-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    return parent + "/" + name
}
