import XCTest
@testable import Tensor

/// `reluConv2d` (the ReLU fused into the tap convolution) must agree with `relu()` then `conv2d`
/// on results and on both gradients, including the zero input gradient where x <= 0.
final class ReLUConvolutionTests: XCTestCase {
    private struct Case { let cin, cout, kernel, stride, padding, height, width: Int }

    private let cases = [
        Case(cin: 8, cout: 5, kernel: 3, stride: 1, padding: 1, height: 7, width: 6),
        Case(cin: 11, cout: 7, kernel: 3, stride: 1, padding: 1, height: 5, width: 9),
        Case(cin: 11, cout: 4, kernel: 3, stride: 1, padding: 0, height: 6, width: 5),
        // Shapes the fused path does not take: they must fall back to relu() then conv2d.
        Case(cin: 11, cout: 6, kernel: 1, stride: 1, padding: 0, height: 5, width: 7),
        Case(cin: 8, cout: 6, kernel: 1, stride: 1, padding: 1, height: 5, width: 4),
        Case(cin: 8, cout: 5, kernel: 3, stride: 2, padding: 1, height: 7, width: 7),
        Case(cin: 3, cout: 5, kernel: 3, stride: 1, padding: 1, height: 6, width: 6),
    ]

    /// Output, input gradient and weight gradient for a random projection of the output. The input
    /// feeds two convolutions, so its gradient is stored fresh by one and accumulated by the other.
    private func resultAndGradients(_ c: Case, seed: UInt64, _ conv: (Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
        let x = randomTensor([3, c.cin, c.height, c.width], seed: seed)
        let w = randomTensor([c.cout, c.cin, c.kernel, c.kernel], seed: seed + 1)
        let w2 = randomTensor([c.cout, c.cin, c.kernel, c.kernel], seed: seed + 3)
        let y = try conv(x, w)
        let y2 = try conv(x, w2)
        let projection = randomTensor(y.shape, seed: seed + 2, requiresGrad: false)
        try (y * projection + y2).sum().backward()
        return [y.scalars, x.grad?.scalars ?? [], w.grad?.scalars ?? [], w2.grad?.scalars ?? [], x.scalars]
    }

    func testMatchesReLUThenConvolution() throws {
        for (index, c) in cases.enumerated() {
            let seed = UInt64(10 * index + 3)
            let fused = try resultAndGradients(c, seed: seed) {
                try $0.reluConv2d(weight: $1, stride: c.stride, padding: c.padding)
            }
            let reference = try resultAndGradients(c, seed: seed) {
                try $0.relu().conv2d(weight: $1, stride: c.stride, padding: c.padding)
            }
            for (part, name) in ["output", "input gradient", "weight gradient", "second weight gradient"].enumerated() {
                XCTAssertEqual(fused[part].count, reference[part].count, "\(c) \(name)")
                XCTAssertFalse(fused[part].isEmpty, "\(c) \(name)")
                for i in 0..<min(fused[part].count, reference[part].count) {
                    XCTAssertEqual(fused[part][i], reference[part][i], accuracy: 1e-4 * max(1, abs(reference[part][i])),
                                   "\(c) \(name) element \(i)")
                }
            }
            let x = fused[4], gx = fused[1]
            XCTAssertTrue(x.contains { $0 <= 0 } && x.contains { $0 > 0 })
            for i in x.indices where x[i] <= 0 { XCTAssertEqual(gx[i], 0, "\(c) input gradient element \(i) at x = \(x[i])") }
        }
    }

    func testFiniteDifferenceGradients() throws {
        // Inputs at least 0.2 away from the ReLU's kink, well beyond the finite-difference step.
        let x = randomTensor([3, 11, 6, 5], seed: 51)
        for i in 0..<x.count { x.data[i] += x.data[i] < 0 ? -0.2 : 0.2 }
        try assertGradientsMatch([x, randomTensor([7, 11, 3, 3], seed: 52)]) {
            try $0[0].reluConv2d(weight: $0[1], padding: 1)
        }
        let x1 = randomTensor([3, 11, 5, 3], seed: 55)
        for i in 0..<x1.count { x1.data[i] += x1.data[i] < 0 ? -0.2 : 0.2 }
        try assertGradientsMatch([x1, randomTensor([6, 11, 1, 1], seed: 56)]) {
            try $0[0].reluConv2d(weight: $0[1])
        }
        let x8 = randomTensor([3, 8, 5, 7], seed: 53)
        for i in 0..<x8.count { x8.data[i] += x8.data[i] < 0 ? -0.2 : 0.2 }
        try assertGradientsMatch([x8, randomTensor([4, 8, 3, 3], seed: 54)]) {
            try $0[0].reluConv2d(weight: $0[1], padding: 1)
        }
    }

    /// Under an operation observer (NASWOT's ReLU recorder, the ONNX exporter) the fused op runs
    /// unfused, so the observer sees the ReLU output and the convolution of it.
    func testAnObserverSeesTheReLUAndTheConvolution() throws {
        let x = randomTensor([4, 9, 5, 5], seed: 61, requiresGrad: false)
        let w = randomTensor([6, 9, 3, 3], seed: 62, requiresGrad: false)
        let fused = try x.reluConv2d(weight: w, padding: 1)
        let log = OperationLog()
        let observed = try OperationObservation.observing(log) { try x.reluConv2d(weight: w, padding: 1) }
        XCTAssertEqual(log.steps.map(\.0), ["relu", "conv2d"])
        guard log.steps.count == 2, case .relu(let input) = log.steps[0].1, case let .conv2d(rectified, weight, bias, 1, 1, 1, 1) = log.steps[1].1 else {
            return XCTFail("observed \(log.steps.map(\.0))")
        }
        XCTAssertTrue(input === x && rectified === log.steps[0].2 && weight === w && bias == nil && log.steps[1].2 === observed)
        XCTAssertEqual(log.steps[0].2.scalars, x.scalars.map { max($0, 0) })
        XCTAssertEqual(observed.scalars, fused.scalars)
    }

    func testCountsMultiplyAddsLikeConvolution() throws {
        let x = randomTensor([2, 8, 6, 6], seed: 71, requiresGrad: false)
        let w = randomTensor([5, 8, 3, 3], seed: 72, requiresGrad: false)
        let (_, fused) = try MultiplyAddCounter.counting { try x.reluConv2d(weight: w, padding: 1) }
        let (_, reference) = try MultiplyAddCounter.counting { try x.relu().conv2d(weight: w, padding: 1) }
        XCTAssertEqual(fused, reference)
        XCTAssertEqual(fused, 2 * 5 * 36 * 8 * 9)
        let w1 = randomTensor([5, 8, 1, 1], seed: 73, requiresGrad: false)
        let (_, fused1) = try MultiplyAddCounter.counting { try x.reluConv2d(weight: w1) }
        XCTAssertEqual(fused1, 2 * 5 * 36 * 8)
    }
}
