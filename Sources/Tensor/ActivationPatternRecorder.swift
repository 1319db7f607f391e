import Foundation

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

/// Records, on this thread, the activation codes of every `relu()` run inside `recordingKernel`
/// (as forward hooks on every ReLU module do in the reference code). Outside it, `relu()` pays
/// one thread-local lookup.
public enum ActivationPatternRecorder {
    private final class Box {
        var kernel: ActivationKernel?
        var skipped = 0
    }
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` and returns its result with the kernel of the ReLU codes it produced (nil when
    /// no ReLU ran). Every recorded ReLU output must have the batch as its first dimension;
    /// outputs with another first dimension are not counted.
    public static func recordingKernel<T>(_ body: () throws -> T) rethrows -> (T, ActivationKernel?) {
        let box = Box()
        let previous = pthread_getspecific(key)
        let retained = Unmanaged.passRetained(box)
        pthread_setspecific(key, retained.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            retained.release()
        }
        let result = try body()
        return (result, box.kernel)
    }

    /// Whether a kernel is being recorded on this thread (fused ReLU ops fall back to `relu()` then).
    @inline(__always) static var isRecording: Bool { pthread_getspecific(key) != nil }

    /// Adds the codes of a ReLU output to the active kernel, if any.
    @inline(__always) static func record(_ output: Tensor) {
        guard let raw = pthread_getspecific(key) else { return }
        let box = Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
        guard output.rank >= 1, output.shape[0] > 0 else { return }
        let n = output.shape[0]
        if box.kernel == nil { box.kernel = ActivationKernel(batch: n) }
        guard box.kernel!.batch == n else { box.skipped += 1; return }
        accumulate(output, n: n, into: &box.kernel!)
    }

    /// K += 2·B·Bᵀ − s·1ᵀ − 1·sᵀ + d for the binary code matrix B (n × d) with row sums s.
    /// B·Bᵀ is exact in single precision for d < 2²⁴; K accumulates in double.
    private static func accumulate(_ output: Tensor, n: Int, into kernel: inout ActivationKernel) {
        let d = output.count / n
        guard d > 0 else { return }
        let codes = Tensor(uninitialized: [n, d])
        let x = output.data, b = codes.data
        var rowSums = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0
            let xi = x + i * d, bi = b + i * d
            for j in 0..<d {
                let on = xi[j] > 0
                bi[j] = on ? 1 : 0
                s += on ? 1 : 0
            }
            rowSums[i] = Double(s)
        }
        // Blocks of fewer than 2²⁴ columns keep every partial count exact in single precision.
        let gram = Tensor(uninitialized: [n, n])
        let g = gram.data
        var start = 0
        while start < d {
            let width = min(1 << 23, d - start)
            gemm(transA: false, transB: true, m: n, n: n, k: width, a: b + start, lda: d, b: b + start, ldb: d, c: g)
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
