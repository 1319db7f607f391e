import XCTest
@testable import Tensor

/// The tensor operations of the retraining recipe: drop path and label-smoothed cross-entropy,
/// their values by hand, their statistics and their finite-difference gradient checks.
final class RecipeOperationTests: XCTestCase {
    // MARK: Drop path

    func testDropPathGradientUsesItsSampleMask() throws {
        try assertGradientsMatch([randomTensor([6, 2, 3], seed: 71)]) {
            var g = SeededGenerator(seed: 4)
            return try $0[0].dropPath(0.4, training: true, generator: &g)
        }
    }

    func testDropPathDropsWholeSamplesAtRateP() throws {
        var g = SeededGenerator(seed: 2)
        let samples = 20_000, per = 6
        let x = Tensor(repeating: 1, shape: [samples, 1, 2, 3])
        let y = try x.dropPath(0.2, training: true, generator: &g)
        var dropped = 0
        for n in 0..<samples {
            let row = Array(UnsafeBufferPointer(start: y.data + n * per, count: per))
            XCTAssertTrue(row == Array(repeating: 0, count: per) || row == Array(repeating: 1 / Float(0.8), count: per),
                          "sample \(n) is dropped or kept whole: \(row)")
            if row[0] == 0 { dropped += 1 }
        }
        // Binomial(20000, 0.2): standard deviation 0.0028 of the fraction.
        XCTAssertEqual(Double(dropped) / Double(samples), 0.2, accuracy: 0.01)
        XCTAssertEqual(y.mean().item, 1, accuracy: 0.015, "kept samples scaled by 1/(1-p) preserve the mean")
    }

    func testDropPathIsTheIdentityInEvaluationAndAtZero() throws {
        var g = SeededGenerator(seed: 3)
        let x = randomTensor([4, 3], seed: 72)
        XCTAssertTrue(try x.dropPath(0.3, training: false, generator: &g) === x)
        XCTAssertTrue(try x.dropPath(0, training: true, generator: &g) === x)
        XCTAssertThrowsError(try x.dropPath(1, training: true, generator: &g)) {
            XCTAssertEqual("\($0)", "dropPath: p = 1.0; accepted: 0 <= p < 1")
        }
    }

    // MARK: Label smoothing

    func testLabelSmoothedCrossEntropyByHand() throws {
        // Row [1, 2, 3], label 2, ε = 0.1: targets q = [0.1/3, 0.1/3, 0.9 + 0.1/3]; log p = x - logsumexp,
        // logsumexp = 3.4076059644; -Σ q log p = 0.0333·2.4076 + 0.0333·1.4076 + 0.9333·0.4076 = 0.507606
        // (PyTorch: F.cross_entropy(tensor([[1., 2., 3.]]), tensor([2]), label_smoothing=0.1) = 0.5076).
        let one = try Tensor(shape: [1, 3], scalars: [1, 2, 3])
        XCTAssertEqual(try one.crossEntropy(labels: [2], labelSmoothing: 0.1).item, 0.507606, accuracy: 1e-5)
        // A second row [0, 0, 0], label 0: every class 1/3, loss log 3 = 1.098612 whatever ε; the mean of both.
        let two = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0])
        XCTAssertEqual(try two.crossEntropy(labels: [2, 0], labelSmoothing: 0.1).item, (0.507606 + 1.098612) / 2, accuracy: 1e-5)
        // ε = 0 is the plain cross-entropy, to the bit.
        XCTAssertEqual(try two.crossEntropy(labels: [2, 0], labelSmoothing: 0).item, try two.crossEntropy(labels: [2, 0]).item)
        XCTAssertThrowsError(try two.crossEntropy(labels: [2, 0], labelSmoothing: 1)) {
            XCTAssertEqual("\($0)", "crossEntropy: label smoothing 1.0; accepted: 0 <= smoothing < 1")
        }
    }

    func testLabelSmoothedCrossEntropyGradient() throws {
        for smoothing: Float in [0.1, 0.3] {
            try assertGradientsMatch([randomTensor([4, 6], seed: 73)]) {
                try $0[0].crossEntropy(labels: [0, 5, 2, 2], labelSmoothing: smoothing)
            }
        }
        // The gradient of a row is (p - q)/N: zero where p already equals the smoothed target.
        let x = try Tensor(shape: [1, 2], scalars: [0, 0], requiresGrad: true)
        try x.crossEntropy(labels: [0], labelSmoothing: 0.2).backward()
        XCTAssertEqual(x.grad!.scalars[0], 0.5 - 0.9, accuracy: 1e-6)
        XCTAssertEqual(x.grad!.scalars[1], 0.5 - 0.1, accuracy: 1e-6)
    }
}
