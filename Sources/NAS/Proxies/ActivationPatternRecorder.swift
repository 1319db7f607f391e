import Foundation
import Tensor

/// The kernel of binary ReLU activation codes NASWOT scores (Mellor et al. 2021, "Neural
/// Architecture Search without Training"): for images i and j of a batch,
/// K[i, j] = Σ over every unit of every ReLU run of [unit active on i] == [unit active on j],
/// i.e. the number of units minus the Hamming distance of the two codes.
public struct ActivationKernel: Sendable {
    /// Images in the batch (the first dimension of every recorded ReLU output).
    public let batch: Int
    /// K, row-major batch × batch.
    public internal(set) var matrix: [Double]
    /// ReLU units per image recorded (the length of each binary code).
    public internal(set) var units: Int
    /// ReLU calls recorded.
    public internal(set) var calls: Int

    init(batch: Int) {
        self.batch = batch
        matrix = [Double](repeating: 0, count: batch * batch)
        units = 0
        calls = 0
    }
}

/// Records the activation codes of every `relu()` run on this thread inside `recordingKernel`
/// (as forward hooks on every ReLU module do in the reference code), as an `OperationObserver`
/// of the tensor core.
public final class ActivationPatternRecorder: OperationObserver {
    private var kernel: ActivationKernel?

    private init() {}

    /// Runs `body` and returns its result with the kernel of the ReLU codes it produced (nil when
    /// no ReLU ran). Every recorded ReLU output must have the batch as its first dimension;
    /// outputs with another first dimension are not counted.
    public static func recordingKernel<T>(_ body: () throws -> T) rethrows -> (T, ActivationKernel?) {
        let recorder = ActivationPatternRecorder()
        let result = try OperationObservation.observing(recorder, body)
        return (result, recorder.kernel)
    }

    public func observe(_ operation: ObservedOperation, output: Tensor) {
        guard case .relu = operation, output.rank >= 1, output.shape[0] > 0 else { return }
        let n = output.shape[0]
        if kernel == nil { kernel = ActivationKernel(batch: n) }
        guard kernel!.batch == n else { return }
        Self.accumulate(output, n: n, into: &kernel!)
    }

    /// K += 2·B·Bᵀ − s·1ᵀ − 1·sᵀ + d for the binary code matrix B (n × d) with row sums s.
    /// B·Bᵀ is exact in single precision for blocks of fewer than 2²⁴ columns; K accumulates in double.
    private static func accumulate(_ output: Tensor, n: Int, into kernel: inout ActivationKernel) {
        let d = output.count / n
        guard d > 0 else { return }
        let x = output.data
        var rowSums = [Double](repeating: 0, count: n)
        var start = 0
        while start < d {
            let width = min(1 << 23, d - start)
            let codes = Tensor(uninitialized: [n, width]), transposed = Tensor(uninitialized: [width, n])
            let b = codes.data, bt = transposed.data
            for i in 0..<n {
                var s = 0
                let xi = x + i * d + start, bi = b + i * width
                for j in 0..<width {
                    let on: Float = xi[j] > 0 ? 1 : 0
                    bi[j] = on
                    bt[j * n + i] = on
                    s += on > 0 ? 1 : 0
                }
                rowSums[i] += Double(s)
            }
            // Neither operand requires a gradient, and no observer sees this product.
            let gram = try! codes.matmul(transposed)
            let g = gram.data
            for i in 0..<(n * n) { kernel.matrix[i] += 2 * Double(g[i]) }
            start += width
        }
        for i in 0..<n {
            for j in 0..<n { kernel.matrix[i * n + j] += Double(d) - rowSums[i] - rowSums[j] }
        }
        kernel.units += d
        kernel.calls += 1
    }
}
