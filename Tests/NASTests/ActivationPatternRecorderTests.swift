import XCTest
import NAS
import Tensor

/// NASWOT's ReLU recorder, an operation observer of the tensor core.
final class ActivationPatternRecorderTests: XCTestCase {
    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.data[i] = generator.nextNormal() }
        return t
    }

    /// The fused ReLU convolution is recorded as its ReLU then convolution would be.
    func testRecordsTheReLUPatternLikeReLUThenConvolution() throws {
        let x = random([4, 9, 5, 5], seed: 61)
        let w = random([6, 9, 3, 3], seed: 62)
        let (fusedOut, fusedKernel) = try ActivationPatternRecorder.recordingKernel { try x.reluConv2d(weight: w, padding: 1) }
        let (referenceOut, referenceKernel) = try ActivationPatternRecorder.recordingKernel { try x.relu().conv2d(weight: w, padding: 1) }
        XCTAssertEqual(fusedKernel?.matrix, referenceKernel?.matrix)
        XCTAssertEqual(fusedKernel?.units, 9 * 25)
        XCTAssertEqual(fusedOut.scalars, referenceOut.scalars)
    }

    /// K[i, j] counts the units on which images i and j agree, over every ReLU call; other
    /// operations are not recorded, and nothing is recorded outside `recordingKernel`.
    func testCountsAgreeingUnitsOverEveryReLU() throws {
        let x = random([3, 5], seed: 7)
        let (_, kernel) = ActivationPatternRecorder.recordingKernel { _ = x.scaled(by: -1).relu().gelu().relu() }
        let codes = (0..<3).map { i in (0..<5).map { j in -x.data[i * 5 + j] > 0 } }
        // The second ReLU sees gelu(relu(-x)), positive exactly where -x is.
        let expected = codes.map { a in codes.map { b in 2 * Double(zip(a, b).filter { $0 == $1 }.count) } }.flatMap { $0 }
        XCTAssertEqual(kernel?.matrix, expected)
        XCTAssertEqual(kernel?.units, 10)
        XCTAssertEqual(kernel?.calls, 2)
        XCTAssertFalse(OperationObservation.isActive)
    }
}
