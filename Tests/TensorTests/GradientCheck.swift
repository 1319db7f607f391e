import XCTest
@testable import Tensor

/// Compares the autograd gradients of `f` with central finite differences of a random projection
/// of its output, for every input that requires a gradient (up to `samples` elements each).
func assertGradientsMatch(
    _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-2, samples: Int = 48,
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) throws -> Tensor
) throws {
    var generator = SeededGenerator(seed: 99)
    for t in inputs { t.grad = nil }
    let out = try f(inputs)
    let projection = Tensor(uninitialized: out.shape)
    for i in 0..<out.count { projection.data[i] = generator.nextNormal() }
    try (out * projection).sum().backward()

    func projected() throws -> Double {
        let y = try GradMode.withoutGrad { try f(inputs) }
        var total: Double = 0
        for i in 0..<y.count { total += Double(y.data[i]) * Double(projection.data[i]) }
        return total
    }
    for (k, t) in inputs.enumerated() where t.requiresGrad {
        let analytic = t.grad?.scalars ?? Array(repeating: 0, count: t.count)
        let stride = max(1, t.count / samples)
        for i in Swift.stride(from: 0, to: t.count, by: stride) {
            let saved = t.data[i]
            t.data[i] = saved + epsilon
            let plus = try projected()
            t.data[i] = saved - epsilon
            let minus = try projected()
            t.data[i] = saved
            let numeric = Float((plus - minus) / Double(2 * epsilon))
            let scale = max(1, abs(numeric), abs(analytic[i]))
            XCTAssertLessThanOrEqual(abs(numeric - analytic[i]), tolerance * scale,
                                     "input \(k) element \(i): analytic \(analytic[i]) numeric \(numeric)", file: file, line: line)
        }
    }
}

/// A tensor of standard normal values that requires a gradient.
func randomTensor(_ shape: [Int], seed: UInt64, requiresGrad: Bool = true, scale: Float = 1) -> Tensor {
    var g = SeededGenerator(seed: seed)
    let t = Tensor(uninitialized: shape)
    for i in 0..<t.count { t.data[i] = scale * g.nextNormal() }
    t.requiresGrad = requiresGrad
    return t
}
