import XCTest
@testable import Tensor

/// The per-tap GEMM convolution (TapConvolution.swift) and the column-unfolding one it replaced
/// for inputs with many channels must agree on results and on both gradients.
final class TapConvolutionTests: XCTestCase {
    private struct Case { let cin, cout, kernel, stride, padding, dilation, height, width: Int }

    private let cases = [
        Case(cin: 9, cout: 5, kernel: 3, stride: 1, padding: 1, dilation: 1, height: 7, width: 6),
        Case(cin: 11, cout: 7, kernel: 3, stride: 1, padding: 0, dilation: 1, height: 6, width: 9),
        Case(cin: 9, cout: 3, kernel: 3, stride: 1, padding: 2, dilation: 2, height: 7, width: 7),
        Case(cin: 8, cout: 13, kernel: 5, stride: 1, padding: 2, dilation: 1, height: 5, width: 8),
        Case(cin: 13, cout: 9, kernel: 3, stride: 2, padding: 1, dilation: 1, height: 9, width: 7),
    ]

    /// Output, input gradient and weight gradient of `conv` for a random projection of its output.
    private func resultAndGradients(_ c: Case, seed: UInt64, _ conv: (Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
        let x = randomTensor([3, c.cin, c.height, c.width], seed: seed)
        let w = randomTensor([c.cout, c.cin, c.kernel, c.kernel], seed: seed + 1)
        let y = try conv(x, w)
        let projection = randomTensor(y.shape, seed: seed + 2, requiresGrad: false)
        try (y * projection).sum().backward()
        return [y.scalars, x.grad?.scalars ?? [], w.grad?.scalars ?? []]
    }

    func testMatchesColumnUnfoldingOnOddShapes() throws {
        for (index, c) in cases.enumerated() {
            let seed = UInt64(10 * index)
            let tap = try resultAndGradients(c, seed: seed) {
                try $0.conv2d(weight: $1, stride: c.stride, padding: c.padding, dilation: c.dilation)
            }
            let unfolded = try resultAndGradients(c, seed: seed) { x, w in
                let geo = try ConvolutionGeometry(input: x.shape, kernelHeight: c.kernel, kernelWidth: c.kernel, stride: c.stride,
                                                  padding: c.padding, dilation: c.dilation, op: "test")
                return x.denseConv2d(weight: w, geometry: geo, groups: 1)
            }
            for (part, name) in ["output", "input gradient", "weight gradient"].enumerated() {
                XCTAssertEqual(tap[part].count, unfolded[part].count, "\(c) \(name)")
                XCTAssertFalse(tap[part].isEmpty, "\(c) \(name)")
                for i in 0..<min(tap[part].count, unfolded[part].count) {
                    XCTAssertEqual(tap[part][i], unfolded[part][i], accuracy: 1e-3 * max(1, abs(unfolded[part][i])), "\(c) \(name) element \(i)")
                }
            }
        }
    }

    func testFiniteDifferenceGradients() throws {
        try assertGradientsMatch([randomTensor([3, 9, 6, 5], seed: 41), randomTensor([5, 9, 3, 3], seed: 42)]) {
            try $0[0].conv2d(weight: $0[1], padding: 1)
        }
    }
}
