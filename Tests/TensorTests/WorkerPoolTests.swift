import Foundation
import XCTest
@testable import Tensor

/// The tensor worker pool under concurrent use, as the engine uses it: loops from several
/// threads at once, loops nested in loops, callers that are short-lived threads. `make tsan`
/// runs these under ThreadSanitizer.
final class WorkerPoolTests: XCTestCase {
    /// Every iteration runs exactly once, whatever the thread count.
    func testEveryIterationRunsOnce() {
        for threads in [2, 3, 8] {
            for count in [2, 3, 17, 1000] {
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                hits.initialize(repeating: 0, count: count)
                defer { hits.deallocate() }
                WorkerPool.shared.run(iterations: count, threads: threads) { i in hits[i] += 1 }
                XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 }, "threads \(threads), count \(count)")
            }
        }
    }

    /// Loops started at once from several short-lived threads (each engine trial's thread),
    /// one of them nesting a loop in each iteration, all add up.
    func testConcurrentAndNestedLoopsFromExitingThreads() {
        let callers = 6, rounds = 40, count = 64
        let totals = UnsafeMutablePointer<Int>.allocate(capacity: callers)
        totals.initialize(repeating: 0, count: callers)
        defer { totals.deallocate() }
        let done = DispatchGroup()
        for caller in 0..<callers {
            done.enter()
            let thread = Thread {
                let partial = UnsafeMutablePointer<Int>.allocate(capacity: count)
                defer { partial.deallocate() }
                for _ in 0..<rounds {
                    partial.initialize(repeating: 0, count: count)
                    WorkerPool.shared.run(iterations: count, threads: 4) { i in
                        if caller == 0 {
                            // A nested loop: runs on the calling worker, never waits for the pool.
                            let inner = UnsafeMutablePointer<Int>.allocate(capacity: 4)
                            inner.initialize(repeating: 0, count: 4)
                            WorkerPool.shared.run(iterations: 4, threads: 4) { j in inner[j] = j }
                            partial[i] = i + (0..<4).reduce(0) { $0 + inner[$1] } - 6
                            inner.deallocate()
                        } else {
                            partial[i] = i
                        }
                    }
                    totals[caller] += (0..<count).reduce(0) { $0 + partial[$1] }
                }
                done.leave()
            }
            thread.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success, "a loop never finished")
        for caller in 0..<callers { XCTAssertEqual(totals[caller], rounds * count * (count - 1) / 2, "caller \(caller)") }
    }

    /// The parallel helpers the kernels use, from two threads at once, match a serial sum.
    func testParallelChunksFromTwoThreads() {
        let n = 50_000
        let values = (0..<n).map { Float($0 % 7) }
        let expected = values.reduce(0, +)
        let results = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { results.deallocate() }
        let done = DispatchGroup()
        for t in 0..<2 {
            done.enter()
            Thread {
                let sums = UnsafeMutablePointer<Float>.allocate(capacity: 16)
                sums.initialize(repeating: 0, count: 16)
                var chunk = 0
                let lock = NSLock()
                values.withUnsafeBufferPointer { v in
                    parallelChunks(n, minChunk: 1000) { range in
                        var s: Float = 0
                        for i in range { s += v[i] }
                        lock.lock(); sums[chunk] = s; chunk += 1; lock.unlock()
                    }
                }
                results[t] = (0..<chunk).reduce(0) { $0 + sums[$1] }
                sums.deallocate()
                done.leave()
            }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(results[0], expected)
        XCTAssertEqual(results[1], expected)
    }
}
