import XCTest
@testable import Tensor

/// Every kernel of every operation with several (KernelChoice.swift), by name: a shape that the
/// operation's choice sends to it, that kernel's result against the textbook loop, and its
/// gradients against finite differences. Each table must name every case of its choice, so a new
/// kernel without a test, or a threshold change that moves a shape to another kernel, fails here.
final class KernelDispatchTests: XCTestCase {
    private struct ConvolutionCase {
        let input: [Int], outChannels: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, groups: Int
    }

    private let convolutions: [ConvolutionKernel: ConvolutionCase] = [
        .depthwiseWide: ConvolutionCase(input: [2, 5, 7, 6], outChannels: 5, kernel: 3, stride: 1, padding: 2, dilation: 2, groups: 5),
        .depthwiseStrided: ConvolutionCase(input: [2, 4, 9, 8], outChannels: 4, kernel: 5, stride: 2, padding: 2, dilation: 1, groups: 4),
        .taps: ConvolutionCase(input: [2, ConvolutionKernel.tapMinimumChannels, 6, 5], outChannels: 5, kernel: 3, stride: 1,
                               padding: 1, dilation: 1, groups: 1),
        .wideGrid: ConvolutionCase(input: [2, ConvolutionKernel.tapMinimumChannels - 1, 6, 7], outChannels: 4, kernel: 3, stride: 1,
                                   padding: 1, dilation: 1, groups: 1),
        .pointwise: ConvolutionCase(input: [2, 6, 5, 5], outChannels: 4, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 2),
        .unfolded: ConvolutionCase(input: [2, 9, 7, 7], outChannels: 6, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
    ]

    func testEveryConvolutionKernel() throws {
        XCTAssertEqual(Set(convolutions.keys), Set(ConvolutionKernel.allCases))
        for (kernel, c) in convolutions.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let geo = try ConvolutionGeometry(input: c.input, kernelHeight: c.kernel, kernelWidth: c.kernel, stride: c.stride,
                                              padding: c.padding, dilation: c.dilation, op: "test")
            XCTAssertEqual(ConvolutionKernel.choose(geo, outChannels: c.outChannels, groups: c.groups), kernel)
            let x = randomTensor(c.input, seed: 1)
            let w = randomTensor([c.outChannels, c.input[1] / c.groups, c.kernel, c.kernel], seed: 2)
            func convolve(_ t: [Tensor]) throws -> Tensor {
                try t[0].conv2d(weight: t[1], stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
            let y = try convolve([x, w])
            let expected = ReferenceOperations.conv2d(x, w, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            assertClose(y.scalars, expected, "\(kernel)")
            try assertGradientsMatch([x, w], convolve)
        }
    }

    /// `reluConv2d` on every kernel, fused (`fusesReLU`) or not, against `relu()` then `conv2d`:
    /// output and both gradients (x feeds it twice, so its gradient is written fresh and then
    /// added to), and finite differences on inputs kept 0.2 away from the ReLU's kink.
    func testReLUConvolutionOnEveryKernel() throws {
        XCTAssertEqual(Set(ConvolutionKernel.allCases.filter(\.fusesReLU)), [.taps, .depthwiseWide, .depthwiseStrided])
        for (kernel, c) in convolutions.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            func results(_ convolve: (Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
                let x = randomTensor(c.input, seed: 3)
                let w = randomTensor([c.outChannels, c.input[1] / c.groups, c.kernel, c.kernel], seed: 4)
                let y = try convolve(x, w), y2 = try convolve(x, w)
                try (y * randomTensor(y.shape, seed: 5, requiresGrad: false) + y2).sum().backward()
                return [y.scalars, x.grad?.scalars ?? [], w.grad?.scalars ?? []]
            }
            let fused = try results {
                try $0.reluConv2d(weight: $1, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
            let reference = try results {
                try $0.relu().conv2d(weight: $1, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
            for (part, name) in ["output", "input gradient", "weight gradient"].enumerated() {
                XCTAssertFalse(fused[part].isEmpty, "\(kernel) \(name)")
                assertClose(fused[part], reference[part], "\(kernel) \(name)")
            }
            let x = randomTensor(c.input, seed: 6)
            for i in 0..<x.count { x.data[i] += x.data[i] < 0 ? -0.2 : 0.2 }
            try assertGradientsMatch([x, randomTensor([c.outChannels, c.input[1] / c.groups, c.kernel, c.kernel], seed: 7)]) {
                try $0[0].reluConv2d(weight: $0[1], stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
        }
    }

    private struct PoolCase { let input: [Int], kernel: Int, stride: Int, padding: Int }

    func testEveryMaxPoolKernel() throws {
        try checkPoolKernels([
            .pairs: PoolCase(input: [2, 3, 6, 8], kernel: 2, stride: 2, padding: 0),
            .windows: PoolCase(input: [2, 3, 7, 7], kernel: 3, stride: 2, padding: 1),
        ], choose: MaxPoolKernel.choose, average: false, epsilon: 1e-3) {
            try $0.maxPool2d(kernel: $1.kernel, stride: $1.stride, padding: $1.padding)
        }
    }

    func testEveryAveragePoolKernel() throws {
        try checkPoolKernels([
            .boxSum3x3: PoolCase(input: [2, 3, 5, 7], kernel: 3, stride: 1, padding: 1),
            .windows: PoolCase(input: [2, 3, 7, 6], kernel: 3, stride: 2, padding: 1),
        ], choose: AveragePoolKernel.choose, average: true, epsilon: 1e-2) {
            try $0.avgPool2d(kernel: $1.kernel, stride: $1.stride, padding: $1.padding)
        }
    }

    /// One pooling choice: `cases` names every kernel; each case's shape is chosen for its kernel,
    /// and `pool` on it matches the reference loop (max, or the mean when `average`) and finite differences.
    private func checkPoolKernels<Kernel: Hashable & CaseIterable>(
        _ cases: [Kernel: PoolCase], choose: (Int, Int, Int) -> Kernel, average: Bool, epsilon: Float,
        file: StaticString = #filePath, line: UInt = #line, _ pool: (Tensor, PoolCase) throws -> Tensor
    ) throws {
        XCTAssertEqual(Set(cases.keys), Set(Kernel.allCases), file: file, line: line)
        for (kernel, c) in cases.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            XCTAssertEqual(choose(c.kernel, c.stride, c.padding), kernel, file: file, line: line)
            let x = randomTensor(c.input, seed: average ? 6 : 5)
            assertClose(try pool(x, c).scalars,
                        ReferenceOperations.pool2d(x, kernel: c.kernel, stride: c.stride, padding: c.padding, average: average),
                        "\(kernel)", file: file, line: line)
            try assertGradientsMatch([x], epsilon: epsilon, file: file, line: line) { try pool($0[0], c) }
        }
    }

    /// Each split of `gemm`, on two threads, for all four transpose combinations, against the
    /// product in double precision (with beta 1, so the blocks must add to C where they belong).
    func testEveryGEMMSplit() {
        let saved = ThreadConfig.count
        ThreadConfig.set(2)
        defer { ThreadConfig.set(saved) }
        let cases: [GEMMSplit: (m: Int, n: Int, k: Int)] = [.single: (20, 30, 40), .rows: (70, 40, 400), .columns: (33, 90, 400)]
        XCTAssertEqual(Set(cases.keys), Set(GEMMSplit.allCases))
        for (split, (m, n, k)) in cases.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            XCTAssertEqual(GEMMSplit.choose(m: m, n: n, k: k, threads: 2), split)
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = randomTensor([m * k], seed: 7, requiresGrad: false), b = randomTensor([k * n], seed: 8, requiresGrad: false)
                let c = randomTensor([m * n], seed: 9, requiresGrad: false)
                let product = ReferenceOperations.matmul(a.scalars, b.scalars, m: m, n: n, k: k, transA: transA, transB: transB)
                let expected = zip(product, c.scalars).map { 0.5 * $0 + $1 }
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.data, b: b.data, beta: 1, c: c.data)
                assertClose(c.scalars, expected, "\(split) transA \(transA) transB \(transB)")
            }
        }
        XCTAssertEqual(GEMMSplit.choose(m: 70, n: 40, k: 400, threads: 1), .single)
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for i in 0..<min(actual.count, expected.count) where abs(actual[i] - expected[i]) > 1e-4 * max(1, abs(expected[i])) {
            XCTFail("\(what) element \(i): \(actual[i]) against \(expected[i])", file: file, line: line)
            return
        }
    }
}
