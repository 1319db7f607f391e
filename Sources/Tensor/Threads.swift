import CBLAS
import Dispatch
import Foundation

/// How many threads the tensor core uses. One pool does all the work: large GEMMs are split
/// into blocks that run as single-threaded OpenBLAS calls on it, next to the direct kernels.
/// (OpenBLAS's own threads spin for a while after each call and would steal the cores from
/// the direct kernels that follow.)
public enum ThreadConfig {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var _count: Int = {
        openblas_set_num_threads(1)
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// The thread count in force (default: all cores).
    public static var count: Int { lock.lock(); defer { lock.unlock() }; return _count }

    /// Sets the thread count (at least 1) for GEMMs and the direct kernels.
    public static func set(_ threads: Int) {
        let n = max(1, threads)
        lock.lock(); _count = n; lock.unlock()
        openblas_set_num_threads(1)
    }

    /// OpenBLAS's own description of its build and the core it chose.
    public static var blasDescription: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "?"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        return "\(config) core=\(core)"
    }
}

/// Splits `0..<count` into contiguous chunks run on the configured threads.
/// `body` receives a range; keep the work per chunk large (thousands of elements at least).
@inline(__always)
func parallelChunks(_ count: Int, minChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
    let threads = ThreadConfig.count
    guard threads > 1, count >= 2 * minChunk else {
        if count > 0 { body(0..<count) }
        return
    }
    let chunks = min(threads, count / minChunk)
    let step = (count + chunks - 1) / chunks
    WorkerPool.shared.run(iterations: chunks, threads: ThreadConfig.count) { i in
        let start = i * step
        let end = min(count, start + step)
        if start < end { body(start..<end) }
    }
}

/// Runs `body(i)` for i in 0..<count on the configured threads, for coarse independent items
/// (images of a batch, channels). Each item should carry substantial work.
@inline(__always)
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    let threads = ThreadConfig.count
    guard threads > 1, count > 1 else {
        for i in 0..<count { body(i) }
        return
    }
    let chunks = min(threads, count)
    WorkerPool.shared.run(iterations: chunks, threads: ThreadConfig.count) { c in
        var i = c
        while i < count { body(i); i += chunks }
    }
}

/// How many contiguous ranges `parallelRanges` splits `count` items into.
func parallelRangeCount(_ count: Int) -> Int { max(1, min(ThreadConfig.count, count)) }

/// Splits `0..<count` into `parallelRangeCount(count)` contiguous ranges and runs
/// `body(worker, range)` for each on the configured threads (worker numbers 0..<ranges).
@inline(__always)
func parallelRanges(_ count: Int, _ body: (Int, Range<Int>) -> Void) {
    let ranges = parallelRangeCount(count)
    guard ranges > 1 else {
        if count > 0 { body(0, 0..<count) }
        return
    }
    WorkerPool.shared.run(iterations: ranges, threads: ThreadConfig.count) { worker in
        let lo = worker * count / ranges, hi = (worker + 1) * count / ranges
        if lo < hi { body(worker, lo..<hi) }
    }
}

/// One accumulator per worker (a weight gradient each worker sums over its images), added
/// together at the end.
final class WorkerPartials {
    private let count: Int
    private let workers: Int
    private let storage: UnsafeMutablePointer<Float>
    private let zeroed: UnsafeMutablePointer<Bool>

    init(count: Int, workers: Int) {
        self.count = count
        self.workers = workers
        storage = UnsafeMutablePointer<Float>.allocate(capacity: max(count * workers, 1))
        zeroed = UnsafeMutablePointer<Bool>.allocate(capacity: max(workers, 1))
        zeroed.initialize(repeating: false, count: max(workers, 1))
    }
    deinit { storage.deallocate(); zeroed.deallocate() }

    /// Worker `worker`'s buffer, zeroed. Each worker asks once, from its own thread.
    func zeroedBuffer(_ worker: Int) -> UnsafeMutablePointer<Float> {
        let buffer = storage + worker * count
        buffer.update(repeating: 0, count: count)
        zeroed[worker] = true
        return buffer
    }

    /// Adds every worker's buffer into `target`.
    func sum(into target: UnsafeMutablePointer<Float>) {
        for worker in 0..<workers where zeroed[worker] { axpy(count, 1, storage + worker * count, target) }
    }
}
