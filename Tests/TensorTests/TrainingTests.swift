import XCTest
@testable import Tensor

/// A small CNN learns a synthetic task, and the same seed gives the same losses.
final class TrainingTests: XCTestCase {
    /// Four classes of 1x8x8 images: a bright quadrant per class plus noise.
    private func batch(_ generator: inout SeededGenerator, size: Int) -> (Tensor, [Int]) {
        let x = Tensor(uninitialized: [size, 1, 8, 8])
        var labels: [Int] = []
        for b in 0..<size {
            let label = generator.nextInt(4)
            labels.append(label)
            for i in 0..<64 {
                let (row, col) = (i / 8, i % 8)
                let inQuadrant = (row / 4) * 2 + col / 4 == label
                x.data[b * 64 + i] = (inQuadrant ? 1 : 0) + 0.3 * generator.nextNormal()
            }
        }
        return (x, labels)
    }

    private func trainLosses(seed: UInt64, steps: Int) throws -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let model = Sequential([
            Conv2d(1, 8, kernel: 3, padding: 1, generator: &generator), BatchNorm(8), Activation(.relu), Pool2d(.max, kernel: 2),
            Conv2d(8, 8, kernel: 3, padding: 1, generator: &generator), BatchNorm(8), Activation(.relu), GlobalAvgPool(),
            Linear(8, 4, generator: &generator),
        ])
        let optimizer = SGD(model.parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        var data = SeededGenerator(seed: 7)
        let fixed = batch(&data, size: 32)
        var losses: [Float] = []
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let loss = try model(fixed.0).crossEntropy(labels: fixed.1)
            try loss.backward()
            optimizer.step()
            losses.append(loss.item)
        }
        return losses
    }

    func testSmallCNNReachesNearZeroTrainingLoss() throws {
        let losses = try trainLosses(seed: 1, steps: 300)
        XCTAssertGreaterThan(losses[0], 1.0)
        XCTAssertLessThan(losses.last!, 0.02, "final loss \(losses.last!)")
    }

    func testSameSeedGivesIdenticalLosses() throws {
        let a = try trainLosses(seed: 3, steps: 20), b = try trainLosses(seed: 3, steps: 20)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, try trainLosses(seed: 4, steps: 20))
    }
}
