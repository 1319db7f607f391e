import XCTest
@testable import NAS
import Tensor

/// The training loop on small synthetic data: it learns, reports every epoch, stops on request
/// and fails a non-finite loss.
final class TrainerTests: XCTestCase {
    private func smallData() throws -> LoadedDatasets {
        var options = DatasetOptions(seed: 3)
        options.synthetic = SyntheticDataset(classCount: 4, channels: 1, height: 12, width: 12, seed: 3)
        options.syntheticTrainCount = 512
        options.syntheticTestCount = 256
        return try DatasetCatalog.load(name: "synthetic:1x12x12", options: options)
    }

    private func model(classes: Int, seed: UInt64 = 1) -> Module {
        var g = SeededGenerator(seed: seed)
        return Sequential([
            Conv2d(1, 8, kernel: 3, padding: 1, generator: &g), BatchNorm(8), Activation(.relu), Pool2d(.max, kernel: 2),
            Conv2d(8, 16, kernel: 3, padding: 1, generator: &g), BatchNorm(16), Activation(.relu), GlobalAvgPool(),
            Linear(16, classes, generator: &g),
        ])
    }

    func testSyntheticTaskIsLearnedAndEveryEpochIsReported() throws {
        let data = try smallData()
        var settings = TrainingSettings()
        settings.epochs = 4
        settings.batchSize = 32
        settings.learningRate = 0.05
        let trainer = Trainer(settings: settings)
        let net = model(classes: data.train.classCount)
        let before = try trainer.evaluate(net, on: data.test)
        var reports: [EpochReport] = []
        let result = try trainer.train(net, on: data.train, validation: data.test, onEpoch: { reports.append($0) })
        XCTAssertEqual(result.outcome, .completed)
        XCTAssertEqual(reports.map(\.epoch), [1, 2, 3, 4])
        XCTAssertLessThan(reports.last!.trainLoss, reports.first!.trainLoss)
        XCTAssertGreaterThan(reports.last!.validationAccuracy!, before.accuracy + 0.3, "validation accuracy \(reports.last!.validationAccuracy!) vs \(before.accuracy) untrained")
        XCTAssertGreaterThan(reports.last!.validationAccuracy!, 0.8)
    }

    func testLossPointsComeAboutTwentyAnEpochAndKeepThePartialBatch() throws {
        let data = try smallData()  // 512 images
        var settings = TrainingSettings()
        settings.epochs = 2
        settings.batchSize = 10  // 51 full batches and one of 2 images, kept as PyTorch keeps it
        var points: [TrainingLossPoint] = []
        var reports: [EpochReport] = []
        _ = try Trainer(settings: settings).train(model(classes: 4), on: data.train, validation: nil,
                                                  onLossPoint: { points.append($0) }, onEpoch: { reports.append($0) })
        XCTAssertEqual(points.count, 40)
        // Point k of an epoch after batch ceil(k * 52 / 20) of 52.
        var expected: [Double] = []
        for e in 0..<2 {
            for k in 1...20 {
                let batch = (k * 52 + 19) / 20
                expected.append(Double(e) + Double(batch) / 52)
            }
        }
        for (point, x) in zip(points, expected) { XCTAssertEqual(point.epoch, x, accuracy: 1e-12) }
        XCTAssertEqual(points[19].epoch, 1, accuracy: 1e-12)
        XCTAssertEqual(points.last!.epoch, 2, accuracy: 1e-12)
        XCTAssertTrue(points.allSatisfy { $0.loss.isFinite && $0.loss > 0 })
        // Fewer batches than points: one point a batch.
        XCTAssertEqual((1...8).map { Trainer.lossPointsDue(after: $0, of: 8, points: 20) }, Array(1...8))
        XCTAssertEqual(Trainer.lossPointsDue(after: 5, of: 40, points: 0), 0)
    }

    func testStopRequestEndsTheRunAtABatchBoundary() throws {
        let data = try smallData()
        var settings = TrainingSettings()
        settings.epochs = 3
        settings.batchSize = 32
        var batches = 0
        let control = TrainingControl()
        control.betweenBatches = {
            batches += 1
            if batches == 5 { control.requestStop(.prunedByUser) }
        }
        let result = try Trainer(settings: settings).train(model(classes: 4), on: data.train, validation: nil, control: control)
        XCTAssertEqual(result.outcome, .stopped(reason: .prunedByUser))
        XCTAssertEqual(batches, 5)
        XCTAssertTrue(result.epochs.isEmpty)
    }

    func testNonFiniteLossFailsTheRun() throws {
        let data = try smallData()
        var settings = TrainingSettings()
        settings.learningRate = 1e30
        settings.gradientClip = nil
        settings.batchSize = 32
        XCTAssertThrowsError(try Trainer(settings: settings).train(model(classes: 4), on: data.train, validation: nil)) { error in
            guard case TrainingError.nonFiniteLoss = error else { return XCTFail("\(error)") }
        }
    }

    func testBadSettingsAreNamed() {
        var settings = TrainingSettings()
        settings.epochs = 0
        XCTAssertThrowsError(try settings.validate()) { XCTAssertEqual("\($0)", "training settings: epochs 0; accepted: 1 or more") }
    }

    func testEverySpaceBuildsANetworkThatTrainsOneStep() throws {
        var g = SeededGenerator(seed: 5)
        let chain = try ChainSpace(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../demo/chain_convnet.toml").standardized.path)
        let spaces: [(SearchSpace, [Int])] = [(.darts(channels: 4, layers: 3), [1, 12, 12]), (.nb201(channels: 4, cellsPerStage: 1), [3, 8, 8]),
                                               (.chain(chain), [1, 12, 12])]
        for (space, shape) in spaces {
            let genotype = space.sample(using: &g)
            let net = try space.build(genotype, inputShape: shape, classes: 3, generator: &g)
            let x = Tensor(uninitialized: [4] + shape)
            for i in 0..<x.count { x.data[i] = g.nextNormal() }
            let loss = try net(x).crossEntropy(labels: [0, 1, 2, 0])
            try loss.backward()
            XCTAssertTrue(loss.item.isFinite, space.name)
            // (An NB201 cell may compute a node no edge uses; DARTS and chain networks use every parameter.)
            if case .nb201 = space { XCTAssertNotNil(net.parameters.last!.grad) } else {
                XCTAssertTrue(net.parameters.allSatisfy { $0.grad != nil }, "\(space.name): every parameter gets a gradient")
            }
        }
    }
}
