import Foundation
import Synchronization

/// The tensor core's worker threads: persistent threads that run the iterations of a parallel
/// loop beside the calling thread. Dispatch's `concurrentPerform` is not used: called from a
/// thread that later exits (each engine thread), libdispatch on Linux frees that thread's
/// continuation cache twice and the process aborts at a random later moment.
///
/// One loop runs at a time. A loop started while another runs (a nested loop, or a second
/// engine thread) runs its iterations on its own thread, so callers never wait on each other.
///
/// Between loops the workers, and the caller waiting for a loop's last iteration, first poll for
/// up to `spinNanoseconds` (yielding the core to any other runnable thread), then sleep on the
/// condition. A training step runs hundreds of short loops: waking a sleeping thread costs tens of
/// microseconds, more when the hypervisor has parked its idle virtual CPU, and at 2 threads it
/// made a small CNN's step take 5 ms in some processes and 10 ms in others (W1).
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle thread polls before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    private let condition = NSCondition()
    /// Held by the thread whose loop the workers serve.
    private let entry = NSLock()
    private var workers = 0
    /// Bumped for every loop; a worker serves each generation once.
    private var generation = 0
    private var job: ((Int) -> Void)?
    private var iterations = 0, nextIndex = 0, finished = 0
    /// Workers with an index below this take part in the current loop.
    private var helpers = 0
    /// `generation` and `finished`, readable without the lock for polling.
    private let publishedGeneration = Atomic<Int>(0)
    private let publishedFinished = Atomic<Int>(0)

    /// Runs `body(i)` for every i in 0..<iterations on up to `threads` threads (the caller's
    /// included), returning when all have finished.
    func run(iterations count: Int, threads: Int, _ body: (Int) -> Void) {
        guard count > 1, threads > 1, entry.try() else {
            for i in 0..<count { body(i) }
            return
        }
        defer { entry.unlock() }
        withoutActuallyEscaping(body) { body in
            condition.lock()
            let wanted = min(threads, count) - 1
            while workers < wanted { startWorker(index: workers); workers += 1 }
            job = body
            iterations = count
            nextIndex = 0
            finished = 0
            helpers = wanted
            generation &+= 1
            publishedFinished.store(0, ordering: .relaxed)
            publishedGeneration.store(generation, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
            takeIterations()
            Self.poll { publishedFinished.load(ordering: .acquiring) >= count }
            condition.lock()
            while finished < iterations { condition.wait() }
            job = nil
            condition.unlock()
        }
    }

    /// Runs iterations of the current loop until none is left.
    private func takeIterations() {
        while true {
            condition.lock()
            guard job != nil, nextIndex < iterations else { condition.unlock(); return }
            let i = nextIndex
            nextIndex += 1
            condition.unlock()
            invoke(i)
            condition.lock()
            finished += 1
            publishedFinished.store(finished, ordering: .releasing)
            if finished == iterations { condition.broadcast() }
            condition.unlock()
        }
    }

    /// Calls the loop's body: the closure is held only inside this call, so once every
    /// iteration has finished no thread holds it (it must not outlive `run`).
    @inline(never)
    private func invoke(_ i: Int) {
        job?(i)
    }

    /// Returns once `ready()` holds or `spinNanoseconds` have passed, yielding the core between checks.
    private static func poll(_ ready: () -> Bool) {
        let start = DispatchTime.now().uptimeNanoseconds
        while !ready() {
            if DispatchTime.now().uptimeNanoseconds - start > spinNanoseconds { return }
            sched_yield()
        }
    }

    private func startWorker(index: Int) {
        let thread = Thread { [self] in
            var served = 0
            while true {
                Self.poll { publishedGeneration.load(ordering: .acquiring) != served }
                condition.lock()
                while generation == served || index >= helpers || job == nil {
                    if generation != served && (index >= helpers || job == nil) { served = generation }
                    condition.wait()
                }
                served = generation
                condition.unlock()
                takeIterations()
            }
        }
        thread.name = "nas-tui tensor \(index + 1)"
        thread.stackSize = 4 << 20
        thread.start()
    }
}
