import XCTest
@testable import Tensor

/// Forward results against direct definitions and hand-computed values.
final class ForwardTests: XCTestCase {
    func testConvolutionMatchesTheDefinition() throws {
        let cases: [(cin: Int, cout: Int, k: Int, stride: Int, padding: Int, dilation: Int, groups: Int)] = [
            (3, 4, 3, 1, 1, 1, 1), (2, 5, 1, 2, 0, 1, 1), (4, 6, 3, 2, 2, 2, 2), (5, 5, 3, 1, 1, 1, 5),
            (4, 4, 5, 2, 2, 1, 4), (3, 3, 3, 1, 2, 2, 3), (2, 3, 5, 1, 2, 1, 1),
        ]
        for (index, c) in cases.enumerated() {
            let x = randomTensor([2, c.cin, 9, 7], seed: UInt64(index), requiresGrad: false)
            let w = randomTensor([c.cout, c.cin / c.groups, c.k, c.k], seed: UInt64(100 + index), requiresGrad: false)
            let y = try x.conv2d(weight: w, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            let expected = ReferenceOperations.conv2d(x, w, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            XCTAssertEqual(y.count, expected.count, "case \(c)")
            for i in 0..<expected.count { XCTAssertEqual(y.data[i], expected[i], accuracy: 1e-4, "case \(c) element \(i)") }
        }
    }

    func testPoolingByHand() throws {
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        // 3x3 average, stride 1, padding 1, padding excluded: corner = mean of 4 values.
        let avg = try x.avgPool2d(kernel: 3, stride: 1, padding: 1)
        XCTAssertEqual(avg.scalars, [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7])
        let mx = try x.maxPool2d(kernel: 3, stride: 2, padding: 1)
        XCTAssertEqual(mx.scalars, [5, 6, 8, 9])
        XCTAssertEqual(try x.maxPool2d(kernel: 2).scalars, [5])
        XCTAssertEqual(try x.globalAvgPool().scalars, [5])
    }

    func testBatchNormStatisticsAndRunningBuffers() throws {
        let x = try Tensor(shape: [4, 1], scalars: [1, 2, 3, 4])
        let mean = Tensor(zeros: [1]), variance = Tensor(repeating: 1, shape: [1])
        let y = try x.batchNorm(weight: nil, bias: nil, runningMean: mean, runningVar: variance, training: true, momentum: 0.1, epsilon: 0)
        let sd = Float(1.25).squareRoot()
        for (a, b) in zip(y.scalars, [-1.5, -0.5, 0.5, 1.5].map { Float($0) / sd }) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(mean.item, 0.25, accuracy: 1e-6)                 // 0.9·0 + 0.1·2.5
        XCTAssertEqual(variance.item, 0.9 + 0.1 * 5 / 3, accuracy: 1e-6) // unbiased batch variance 5/3
        let eval = try x.batchNorm(weight: nil, bias: nil, runningMean: mean, runningVar: variance, training: false, epsilon: 0)
        XCTAssertEqual(eval.data[0], (1 - 0.25) / variance.item.squareRoot(), accuracy: 1e-5)
    }

    func testSoftmaxAndCrossEntropyValues() throws {
        let logits = try Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let p = try logits.softmax().scalars
        let e = [1, 2, 3].map { exp(Float($0)) }, z = e.reduce(0, +)
        for i in 0..<3 { XCTAssertEqual(p[i], e[i] / z, accuracy: 1e-6) }
        XCTAssertEqual(try logits.crossEntropy(labels: [2]).item, -log(e[2] / z), accuracy: 1e-5)
        // Large logits stay finite.
        let big = try Tensor(shape: [1, 2], scalars: [1000, 0])
        XCTAssertEqual(try big.crossEntropy(labels: [1]).item, 1000, accuracy: 1e-2)
    }

    func testActivationValues() throws {
        let x = try Tensor(shape: [3], scalars: [-1, 0, 2])
        XCTAssertEqual(x.relu().scalars, [0, 0, 2])
        XCTAssertEqual(x.gelu().scalars[2], 1.9545, accuracy: 1e-4)
        XCTAssertEqual(x.silu().scalars[0], -0.26894, accuracy: 1e-4)
    }

    func testDropoutKeepsExpectationAndIsIdentityInEvaluation() throws {
        var g = SeededGenerator(seed: 1)
        let x = Tensor(repeating: 1, shape: [10_000])
        let y = try x.dropout(0.25, training: true, generator: &g)
        XCTAssertEqual(y.mean().item, 1, accuracy: 0.03)
        XCTAssertEqual(Set(y.scalars), [0, Float(1) / 0.75])
        XCTAssertTrue(try x.dropout(0.25, training: false, generator: &g) === x)
    }

    func testSlicesAndConcat() throws {
        let x = try Tensor(shape: [1, 3, 2, 2], scalars: (0..<12).map(Float.init))
        XCTAssertEqual(try x.sliceChannels(1..<2).scalars, [4, 5, 6, 7])
        XCTAssertEqual(try concatChannels([x.sliceChannels(2..<3), x.sliceChannels(0..<1)]).scalars, [8, 9, 10, 11, 0, 1, 2, 3])
        XCTAssertEqual(try x.stridedSpatialSlice(offset: 1, stride: 2).scalars, [3, 7, 11])
    }

    func testNoGradModeRecordsNothing() throws {
        let w = randomTensor([2, 2], seed: 3)
        let y = try GradMode.withoutGrad { try w.matmul(w) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
        XCTAssertTrue(GradMode.isEnabled)
        XCTAssertTrue(try w.matmul(w).requiresGrad)
    }

    func testGradientsAccumulateAcrossBackwardPasses() throws {
        let w = randomTensor([3], seed: 4)
        try w.sum().backward()
        try w.scaled(by: 2).sum().backward()
        XCTAssertEqual(w.grad!.scalars, [3, 3, 3])
        w.zeroGrad()
        XCTAssertEqual(w.grad!.scalars, [0, 0, 0])
    }

    func testSeededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<100).map { _ in a.nextNormal() }, sb = (0..<100).map { _ in b.nextNormal() }
        XCTAssertEqual(sa, sb)
        XCTAssertNotEqual(sa, (0..<100).map { _ in c.nextNormal() })
        let mean = sa.reduce(0, +) / 100
        XCTAssertEqual(mean, 0, accuracy: 0.3)
    }
}
