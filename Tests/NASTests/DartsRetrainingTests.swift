import XCTest
@testable import NAS
import Tensor

/// The DARTS network's retraining parts: the auxiliary head (shapes, its loss's gradients, absent
/// from the inference network) and drop path (where it acts, identity in evaluation, its schedule).
final class DartsRetrainingTests: XCTestCase {
    private func network(seed: UInt64 = 1, channels: Int = 4, layers: Int = 5, imageSize: [Int]? = [28, 28]) -> DartsNetwork {
        var generator = SeededGenerator(seed: seed)
        return DartsNetwork(genotype: .dartsV2, channels: channels, layers: layers, classes: 10, inputChannels: 1,
                            generator: &generator, auxiliaryHeadFor: imageSize)
    }

    private func images(_ count: Int, side: Int = 28, seed: UInt64 = 5) -> Tensor {
        var g = SeededGenerator(seed: seed)
        let x = Tensor(uninitialized: [count, 1, side, side])
        for i in 0..<x.count { x.data[i] = g.nextNormal() }
        return x
    }

    // MARK: Auxiliary head

    func testAuxiliaryHeadPoolsToTwoByTwoForEveryFeatureSize() throws {
        var g = SeededGenerator(seed: 2)
        // (side, window, stride): DARTS's 8x8 CIFAR features, Fashion-MNIST's 7x7, small synthetic ones.
        for (side, kernel, stride) in [(8, 5, 3), (7, 5, 2), (14, 5, 9), (4, 3, 1), (2, 1, 1), (1, 1, 1)] {
            let head = AuxiliaryHead(channels: 6, height: side, width: side, classes: 10, generator: &g)
            XCTAssertEqual([head.poolKernel, head.poolStride], [kernel, stride], "side \(side)")
            let x = Tensor(repeating: 0.5, shape: [3, 6, side, side])
            XCTAssertEqual(try head(x).shape, [3, 10], "side \(side)")
        }
        let head = AuxiliaryHead(channels: 6, height: 7, width: 7, classes: 10, generator: &g)
        XCTAssertEqual(head.namedParameters().map(\.name), ["features.2.weight", "features.3.weight", "features.3.bias",
                                                            "features.5.weight", "features.6.weight", "features.6.bias",
                                                            "classifier.weight", "classifier.bias"], "DARTS's AuxiliaryHeadCIFAR names")
        XCTAssertEqual(head.namedParameters().first { $0.name == "features.5.weight" }?.tensor.shape, [768, 128, 2, 2])
    }

    func testTheNetworkHasAuxiliaryLogitsAfterCellTwoThirdsInTrainingOnly() throws {
        let net = network()
        let head = try XCTUnwrap(net.auxiliary)
        XCTAssertEqual(net.auxiliaryCell, 3, "2L/3 of 5 cells: the second reduction cell")
        XCTAssertEqual([head.poolKernel, head.poolStride], [5, 2], "28 → 14 → 7 after two reductions")
        net.train(true)
        let x = images(2)
        XCTAssertEqual(try net(x).shape, [2, 10])
        XCTAssertEqual(net.takeAuxiliaryLogits()?.shape, [2, 10])
        XCTAssertNil(net.takeAuxiliaryLogits(), "handed over once")
        net.train(false)
        _ = try net(x)
        XCTAssertNil(net.takeAuxiliaryLogits(), "evaluation runs no auxiliary head")
    }

    func testTheHeadFitsEveryDepthAndWidth() throws {
        // (layers, cell of the head, its features' side on 28x28 images): DARTS's 20 cells too.
        for (layers, cell, side) in [(1, 0, 14), (2, 1, 7), (4, 2, 7), (8, 5, 7), (20, 13, 7)] {
            for channels in [2, 6] {
                let net = network(channels: channels, layers: layers)
                XCTAssertEqual(net.auxiliaryCell, cell)
                net.train(true)
                XCTAssertEqual(try net(images(2)).shape, [2, 10], "L=\(layers) C=\(channels)")
                XCTAssertEqual(net.takeAuxiliaryLogits()?.shape, [2, 10], "L=\(layers) C=\(channels)")
                XCTAssertEqual(net.auxiliary?.poolStride, side - 5)
            }
        }
    }

    func testTheHeadLeavesTheNetworkItselfUnchanged() throws {
        let plain = network(imageSize: nil), withHead = network()
        XCTAssertNil(plain.auxiliaryHead)
        let headKeys = withHead.namedParameters().filter { $0.name.hasPrefix("auxiliary_head.") }
        XCTAssertFalse(headKeys.isEmpty)
        let body = withHead.namedParameters().filter { !$0.name.hasPrefix("auxiliary_head.") }
        XCTAssertEqual(body.map(\.name), plain.namedParameters().map(\.name))
        for (a, b) in zip(body, plain.namedParameters()) { XCTAssertEqual(a.tensor.scalars, b.tensor.scalars, a.name) }
        XCTAssertEqual(withHead.inferenceParameterCount, plain.parameterCount)
        XCTAssertEqual(try ModelCost.measure(withHead, input: [1, 28, 28]), try ModelCost.measure(plain, input: [1, 28, 28]))
        plain.train(false); withHead.train(false)
        let x = images(2)
        XCTAssertEqual(try withHead(x).scalars, try plain(x).scalars, "the same inference network")
    }

    func testTheAuxiliaryLossIsAddedWithItsWeightAndReachesTheWeights() throws {
        let x = images(4), labels = [0, 1, 2, 3]
        var settings = TrainingSettings()
        settings.labelSmoothing = 0.1
        settings.auxiliaryWeight = 0.4
        let net = network()
        net.train(true)
        // Training mode normalises with the batch's statistics: a second forward pass gives the same logits.
        let expected = try GradMode.withoutGrad { () -> Float in
            let logits = try net(x), auxiliary = try XCTUnwrap(net.takeAuxiliaryLogits())
            return try logits.crossEntropy(labels: labels, labelSmoothing: 0.1).item
                + 0.4 * auxiliary.crossEntropy(labels: labels, labelSmoothing: 0.1).item
        }
        let (loss, _) = try TrainingStepper(model: net, settings: settings, totalSteps: 1).step(images: x, labels: labels)
        XCTAssertEqual(loss, expected, accuracy: 1e-5)
        let head = try XCTUnwrap(net.auxiliaryHead)
        XCTAssertTrue(head.parameters.allSatisfy { p in p.grad.map { $0.scalars.contains { $0 != 0 } } ?? false },
                      "every parameter of the head has a gradient")

        // Weight 0: the head runs but its loss does not count; the cells before it get other gradients.
        let unweighted = network()
        unweighted.train(true)
        settings.auxiliaryWeight = 0
        _ = try TrainingStepper(model: unweighted, settings: settings, totalSteps: 1).step(images: x, labels: labels)
        XCTAssertTrue(try XCTUnwrap(unweighted.auxiliaryHead).parameters.allSatisfy { $0.grad == nil })
        let stem = { (n: DartsNetwork) in n.namedParameters().first { $0.name == "stem.0.weight" }!.tensor }
        XCTAssertNotEqual(stem(net).scalars, stem(unweighted).scalars, "the auxiliary loss moves the stem too")
    }

    func testTrainingRefusesRegularizersTheNetworkLacks() throws {
        var g = SeededGenerator(seed: 1)
        let mlp = Sequential([Flatten(), Linear(4, 2, generator: &g)])
        var settings = TrainingSettings()
        settings.dropPathProbability = 0.2
        XCTAssertThrowsError(try Trainer(settings: settings).checkRegularizers(of: mlp)) {
            XCTAssertEqual("\($0)", "training settings: drop path 0.2: the network has no drop path (darts networks have); accepted: 0")
        }
        settings.dropPathProbability = 0
        settings.auxiliaryWeight = 0.4
        XCTAssertThrowsError(try Trainer(settings: settings).checkRegularizers(of: network(imageSize: nil))) {
            XCTAssertEqual("\($0)", "training settings: auxiliary weight 0.4: the network was built without an auxiliary head (darts networks can have one); accepted: 0")
        }
        XCTAssertNoThrow(try Trainer(settings: settings).checkRegularizers(of: network()))
    }

    // MARK: Drop path

    /// Counts the drop-path operations of a forward pass and the fraction of samples they zero.
    private final class DropPathCounter: OperationObserver {
        var operations = 0, samples = 0, dropped = 0
        func observe(_ operation: ObservedOperation, output: Tensor) {
            guard case let .dropPath(input, _) = operation else { return }
            operations += 1
            let per = output.count / output.shape[0]
            for n in 0..<output.shape[0] {
                samples += 1
                let outputZero = (0..<per).allSatisfy { output.data[n * per + $0] == 0 }
                let inputZero = (0..<per).allSatisfy { input.data[n * per + $0] == 0 }
                if outputZero && !inputZero { dropped += 1 }
            }
        }
    }

    func testDropPathActsOnEveryNonIdentityEdgeAtRateP() throws {
        let net = network(imageSize: nil)
        net.train(true)
        net.dropPathProbability = 0.3
        net.seedDropPath(7)
        let counter = DropPathCounter()
        try OperationObservation.observing(counter) { for _ in 0..<3 { _ = try net(images(16)) } }
        // DARTS_V2: a normal cell has 6 edges that are not skip_connect at stride 1, a reduction cell 5
        // (its max pools; skip_connect from node 2 is the identity); 5 cells: 3 normal + 2 reduction.
        XCTAssertEqual(counter.operations, 3 * (3 * 6 + 2 * 5))
        XCTAssertEqual(Double(counter.dropped) / Double(counter.samples), 0.3, accuracy: 0.04, "\(counter.dropped) of \(counter.samples)")
    }

    func testDropPathIsTheIdentityInEvaluationAndSeeded() throws {
        let net = network(imageSize: nil)
        let x = images(4)
        net.train(false)
        let reference = try net(x).scalars
        net.dropPathProbability = 0.5
        XCTAssertEqual(try net(x).scalars, reference, "evaluation mode never drops")
        net.train(true)
        net.seedDropPath(3)
        let first = try net(x).scalars
        net.seedDropPath(3)
        XCTAssertEqual(try net(x).scalars, first, "the same seed, the same masks")
        net.dropPathProbability = 0
        XCTAssertNotEqual(try net(x).scalars, first)
    }

    func testDropPathRisesLinearlyWithTheEpochAsInDarts() {
        var settings = TrainingSettings()
        settings.epochs = 4
        settings.dropPathProbability = 0.2
        // DARTS: drop_path_prob * epoch / epochs for epoch 0, 1, 2, 3.
        let schedule = (1...4).map { settings.dropPathProbability(epoch: $0) }
        for (value, expected) in zip(schedule, [0, 0.05, 0.1, 0.15] as [Float]) { XCTAssertEqual(value, expected, accuracy: 1e-7) }
    }

    func testTrainingWithTheRetrainRecipeRunsAndLeavesDropPathOff() throws {
        let data = try SyntheticDataset(classCount: 3, channels: 1, height: 12, width: 12).make(count: 48, sampleSeed: 1)
        var generator = SeededGenerator(seed: 1)
        let net = DartsNetwork(genotype: .dartsV2, channels: 4, layers: 3, classes: 3, inputChannels: 1,
                               generator: &generator, auxiliaryHeadFor: [12, 12])
        var settings = TrainingSettings()
        settings.epochs = 2
        settings.batchSize = 16
        TrainingRecipe.retrain.apply(to: &settings)
        let result = try Trainer(settings: settings, lossPointsPerEpoch: 0).train(net, on: data, validation: data)
        XCTAssertEqual(result.epochs.count, 2)
        XCTAssertTrue(result.epochs.allSatisfy { $0.trainLoss.isFinite && ($0.validationAccuracy ?? -1) >= 0 })
        XCTAssertEqual(net.dropPathProbability, 0)
    }
}
