import Foundation
import XCTest
@testable import NAS
import Tensor

/// Zero-cost proxies on tiny networks, against scores computed by hand in double precision.
final class ProxyTests: XCTestCase {
    /// Copies a [rows, cols] weight into a double matrix.
    private func matrix(_ t: Tensor) -> [[Double]] {
        let rows = t.shape[0], cols = t.count / rows
        return (0..<rows).map { r in (0..<cols).map { c in Double(t.data[r * cols + c]) } }
    }

    private func assertClose(_ a: Double, _ b: Double, relative: Double = 1e-4, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a, b, accuracy: max(abs(b) * relative, 1e-12), message, file: file, line: line)
    }

    // MARK: synflow

    /// Two linear layers, no biases: R = 1ᵀ|W2||W1|1 and each layer contributes R, so synflow = 2R.
    func testSynflowOfTwoLinearLayersIsTwiceTheAllOnesResponse() throws {
        var generator = SeededGenerator(seed: 1)
        let first = Linear(3, 4, bias: false, generator: &generator)
        let second = Linear(4, 2, bias: false, generator: &generator)
        let model = Sequential([first, second])
        let w1 = matrix(first.weight), w2 = matrix(second.weight)
        let hidden = w1.map { row in row.reduce(0) { $0 + abs($1) } } // |W1|·1
        let response = w2.reduce(0.0) { total, row in total + zip(row, hidden).reduce(0) { $0 + abs($1.0) * $1.1 } }
        let score = try ZeroCostProxy.synflow.score(model: model, inputShape: [3, 1, 1])
        assertClose(score, 2 * response)
    }

    /// The classifier's bias adds to R but to no weight's gradient; a hidden bias adds to the
    /// next layer's input. Hand computation with biases and a ReLU (the identity on |θ|, 1).
    func testSynflowWithBiasesMatchesHandComputation() throws {
        var generator = SeededGenerator(seed: 2)
        let first = Linear(2, 3, generator: &generator)
        let second = Linear(3, 2, generator: &generator)
        let model = Sequential([first, Activation(.relu), second])
        let w1 = matrix(first.weight), w2 = matrix(second.weight)
        let b1 = first.bias!.scalars.map { abs(Double($0)) }
        let hidden = zip(w1, b1).map { row, b in row.reduce(0) { $0 + abs($1) } + b }
        // ∂R/∂W2[k, j] = h_j; ∂R/∂W1[j, i] = Σ_k |W2[k, j]| · x_i (x = 1).
        var expected = 0.0
        for k in 0..<2 { for j in 0..<3 { expected += abs(w2[k][j]) * hidden[j] } }
        for j in 0..<3 {
            let down = (0..<2).reduce(0.0) { $0 + abs(w2[$1][j]) }
            for i in 0..<2 { expected += abs(w1[j][i]) * down }
        }
        assertClose(try ZeroCostProxy.synflow.score(model: model, inputShape: [2, 1, 1]), expected)
    }

    /// Batch norm is bypassed: a network with batch norms (random statistics and affine
    /// parameters) scores as the same network without them.
    func testSynflowBypassesBatchNorm() throws {
        func build(_ withNorm: Bool) -> (Module, [BatchNorm]) {
            var generator = SeededGenerator(seed: 3)
            var norms: [BatchNorm] = []
            var layers: [Module] = [Conv2d(2, 4, kernel: 3, padding: 1, generator: &generator)]
            if withNorm { norms.append(BatchNorm(4)); layers.append(norms[0]) }
            layers += [Activation(.relu), Conv2d(4, 4, kernel: 3, padding: 1, generator: &generator)]
            if withNorm { norms.append(BatchNorm(4)); layers.append(norms[1]) }
            layers += [Activation(.relu), GlobalAvgPool(), Linear(4, 3, generator: &generator)]
            return (Sequential(layers), norms)
        }
        let (plain, _) = build(false)
        let (normed, norms) = build(true)
        var generator = SeededGenerator(seed: 4)
        for norm in norms {
            for t in [norm.weight!, norm.bias!, norm.runningMean] { for i in 0..<t.count { t.data[i] = generator.nextNormal() } }
            for i in 0..<norm.runningVar.count { norm.runningVar.data[i] = 0.1 + generator.nextFloat() }
        }
        let a = try ZeroCostProxy.synflow.score(model: plain, inputShape: [2, 5, 5])
        let b = try ZeroCostProxy.synflow.score(model: normed, inputShape: [2, 5, 5])
        assertClose(b, a, relative: 1e-5)
    }

    /// A chain of 140 1x1 convolutions (16 channels, PyTorch's default init: each layer about
    /// doubles the all-ones response) has a response near 10⁴², past single precision: the
    /// rescaled pass must still give L·R, R computed in double.
    func testSynflowRescalesDeepNetworksThatOverflowSinglePrecision() throws {
        var generator = SeededGenerator(seed: 5)
        let depth = 140
        let convs = (0..<depth).map { i in Conv2d(i == 0 ? 1 : 16, 16, kernel: 1, generator: &generator) }
        let model = Sequential(convs.flatMap { [$0, Activation(.relu)] as [Module] })
        var h = [1.0]
        for conv in convs {
            let w = matrix(conv.weight)
            h = w.map { row in zip(row, h).reduce(0) { $0 + abs($1.0) * $1.1 } }
        }
        let response = h.reduce(0, +)
        XCTAssertGreaterThan(response, 1e39, "the test network must overflow single precision")
        let logScore = try ZeroCostProxy.logSynflow(model: model, inputShape: [1, 1, 1])
        XCTAssertEqual(logScore, log(Double(depth)) + log(response), accuracy: 1e-3)
    }

    func testProxiesLeaveTheModelAsTheyFoundIt() throws {
        var generator = SeededGenerator(seed: 6)
        let model = NB201Network(architecture: try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"),
                                 channels: 4, cellsPerStage: 1, generator: &generator)
        model.train(false)
        let before = model.parameters.map(\.scalars) + model.buffers.map(\.scalars)
        let batch = try ProxyBatch.gaussian(shape: [3, 8, 8], count: 4, seed: 1)
        for proxy in ZeroCostProxy.allCases {
            let score = try proxy.score(model: model, inputShape: [3, 8, 8], batch: batch)
            XCTAssertTrue(score.isFinite, "\(proxy): \(score)")
            XCTAssertFalse(model.isTraining, "\(proxy) left the model training")
            XCTAssertEqual(model.parameters.map(\.scalars) + model.buffers.map(\.scalars), before, "\(proxy) changed the model")
            XCTAssertTrue(model.parameters.allSatisfy { $0.grad == nil }, "\(proxy) left gradients")
        }
    }

    // MARK: snip and grad_norm

    /// Two linear layers with biases, cross-entropy of two images: gradients by hand.
    func testSnipAndGradNormMatchHandGradients() throws {
        var generator = SeededGenerator(seed: 7)
        let first = Linear(3, 2, generator: &generator)
        let second = Linear(2, 2, generator: &generator)
        let model = Sequential([first, second])
        let xs: [[Double]] = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
        let labels = [1, 0]
        let batch = try ProxyBatch(images: Tensor(shape: [2, 3, 1, 1], scalars: xs.flatMap { $0.map(Float.init) }), labels: labels)
        let w1 = matrix(first.weight), w2 = matrix(second.weight)
        let b1 = first.bias!.scalars.map(Double.init), b2 = second.bias!.scalars.map(Double.init)
        var g1 = [[Double]](repeating: [0, 0, 0], count: 2), g2 = [[Double]](repeating: [0, 0], count: 2)
        for (x, label) in zip(xs, labels) {
            let h = (0..<2).map { j in b1[j] + (0..<3).reduce(0) { $0 + w1[j][$1] * x[$1] } }
            let z = (0..<2).map { k in b2[k] + (0..<2).reduce(0) { $0 + w2[k][$1] * h[$1] } }
            let m = z.max()!, e = z.map { exp($0 - m) }, p = e.map { $0 / e.reduce(0, +) }
            let dz = (0..<2).map { k in (p[k] - (k == label ? 1 : 0)) / 2 } // mean over 2 images
            for k in 0..<2 { for j in 0..<2 { g2[k][j] += dz[k] * h[j] } }
            let dh = (0..<2).map { j in (0..<2).reduce(0.0) { $0 + w2[$1][j] * dz[$1] } }
            for j in 0..<2 { for i in 0..<3 { g1[j][i] += dh[j] * x[i] } }
        }
        var snip = 0.0
        for j in 0..<2 { for i in 0..<3 { snip += abs(w1[j][i] * g1[j][i]) } }
        for k in 0..<2 { for j in 0..<2 { snip += abs(w2[k][j] * g2[k][j]) } }
        let norm = { (g: [[Double]]) in g.flatMap { $0 }.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        assertClose(try ZeroCostProxy.snip.score(model: model, inputShape: [3, 1, 1], batch: batch), snip)
        assertClose(try ZeroCostProxy.gradNorm.score(model: model, inputShape: [3, 1, 1], batch: batch), norm(g1) + norm(g2))
        let both = try ZeroCostProxy.scores([.snip, .gradNorm], model: model, inputShape: [3, 1, 1], batch: batch)
        assertClose(both[.snip]!, snip)
        assertClose(both[.gradNorm]!, norm(g1) + norm(g2))
    }

    // MARK: naswot

    /// One hidden ReLU layer over three inputs: the kernel counts agreeing units, by hand.
    func testNaswotIsTheLogDeterminantOfTheCodeKernel() throws {
        var generator = SeededGenerator(seed: 11)
        let hidden = Linear(2, 4, generator: &generator)
        let model = Sequential([hidden, Activation(.relu), Linear(4, 2, generator: &generator)])
        let xs: [[Float]] = [[1, 0], [0, 1], [1, -1], [-0.5, 0.3]]
        let batch = try ProxyBatch(images: Tensor(shape: [4, 2, 1, 1], scalars: xs.flatMap { $0 }), labels: [0, 1, 0, 1])
        let w = matrix(hidden.weight), b = hidden.bias!.scalars.map(Double.init)
        let codes = xs.map { x in (0..<4).map { j in b[j] + w[j][0] * Double(x[0]) + w[j][1] * Double(x[1]) > 0 } }
        let k = codes.map { ci in codes.map { cj in Double(zip(ci, cj).filter { $0 == $1 }.count) } }
        let expected = log(abs(determinant(k)))
        let score = try ZeroCostProxy.naswot.score(model: model, inputShape: [2, 1, 1], batch: batch)
        if expected.isFinite { XCTAssertEqual(score, expected, accuracy: 1e-9) } else { XCTAssertEqual(score, -.infinity) }
        // The recorder sees the same kernel.
        let (_, kernel) = ActivationPatternRecorder.recordingKernel { _ = try? model(batch.images) }
        XCTAssertEqual(kernel?.matrix, k.flatMap { $0 })
        XCTAssertEqual(kernel?.units, 4)
    }

    /// Cofactor expansion, for small matrices.
    private func determinant(_ m: [[Double]]) -> Double {
        if m.count == 1 { return m[0][0] }
        return (0..<m.count).reduce(0.0) { total, j in
            let minor = m.dropFirst().map { row in row.enumerated().filter { $0.offset != j }.map(\.element) }
            return total + (j % 2 == 0 ? 1 : -1) * m[0][j] * determinant(minor)
        }
    }

    func testLogDeterminantOfKnownMatrices() {
        XCTAssertEqual(Naswot.logAbsDeterminant([4, 1, 2, 3], size: 2), log(10), accuracy: 1e-12)
        XCTAssertEqual(Naswot.logAbsDeterminant([0, 2, 3, 0], size: 2), log(6), accuracy: 1e-12) // needs a pivot swap
        XCTAssertEqual(Naswot.logAbsDeterminant([1, 2, 2, 4], size: 2), -.infinity)
    }

    // MARK: errors and batches

    func testProxyNamesAndErrors() throws {
        XCTAssertEqual(try ZeroCostProxy(name: "grad_norm"), .gradNorm)
        XCTAssertEqual(ZeroCostProxy.names, ["synflow", "snip", "grad_norm", "naswot"])
        XCTAssertThrowsError(try ZeroCostProxy(name: "jacob_cov")) { error in
            XCTAssertTrue("\(error)".contains("jacob_cov") && "\(error)".contains("synflow, snip, grad_norm, naswot"), "\(error)")
        }
        var generator = SeededGenerator(seed: 0)
        let model = Sequential([Linear(3, 2, generator: &generator)])
        XCTAssertThrowsError(try ZeroCostProxy.snip.score(model: model, inputShape: [3, 1, 1], batch: nil)) { error in
            XCTAssertTrue("\(error)".contains("mini-batch"), "\(error)")
        }
        let batch = try ProxyBatch.gaussian(shape: [4, 1, 1], classes: 2, count: 3)
        XCTAssertThrowsError(try ZeroCostProxy.naswot.score(model: model, inputShape: [3, 1, 1], batch: batch)) { error in
            XCTAssertTrue("\(error)".contains("[4, 1, 1]"), "\(error)")
        }
    }

    func testSyntheticBatchIsSeededAndShaped() throws {
        let a = try ProxyBatch.synthetic(shape: [3, 8, 8], count: 16, seed: 3)
        let b = try ProxyBatch.synthetic(shape: [3, 8, 8], count: 16, seed: 3)
        let c = try ProxyBatch.synthetic(shape: [3, 8, 8], count: 16, seed: 4)
        XCTAssertEqual(a.images.shape, [16, 3, 8, 8])
        XCTAssertEqual(a.images.scalars, b.images.scalars)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertNotEqual(a.images.scalars, c.images.scalars)
        XCTAssertTrue(a.labels.allSatisfy { (0..<10).contains($0) })
    }

    // MARK: rank correlation

    func testSpearmanWithTiesMatchesScipy() {
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138
        XCTAssertEqual(RankCorrelation.spearman([1, 2, 2, 3], [1, 3, 2, 4])!, 0.9486832980505138, accuracy: 1e-12)
        XCTAssertEqual(RankCorrelation.spearman([1, 2, 3], [30, 20, 10])!, -1, accuracy: 1e-12)
        XCTAssertEqual(RankCorrelation.ranks([-.infinity, .nan, 5, 1]), [1.5, 1.5, 4, 3])
        XCTAssertNil(RankCorrelation.spearman([1, 1, 1], [1, 2, 3]))
        // scipy.stats.kendalltau([1, 2, 3, 4], [1, 3, 2, 4]) = 0.6666666666666669
        XCTAssertEqual(RankCorrelation.kendall([1, 2, 3, 4], [1, 3, 2, 4])!, 2.0 / 3.0, accuracy: 1e-12)
    }
}
