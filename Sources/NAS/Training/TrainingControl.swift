import Foundation

/// Steers a training run from another thread: `requestStop` ends it at the next batch boundary
/// (the engine's prune and quit act through it), and `betweenBatches` runs at every boundary
/// (the engine blocks there while paused).
public final class TrainingControl: @unchecked Sendable {
    private let lock = NSLock()
    private var stopReason: StopReason?

    /// Called on the training thread between batches.
    public var betweenBatches: (() -> Void)?

    public init(betweenBatches: (() -> Void)? = nil) { self.betweenBatches = betweenBatches }

    /// Asks the run to stop at the next batch boundary.
    public func requestStop(_ reason: StopReason) {
        lock.lock(); defer { lock.unlock() }
        if stopReason == nil { stopReason = reason }
    }

    /// The reason given to `requestStop`, once asked.
    public var stopRequest: StopReason? {
        lock.lock(); defer { lock.unlock() }
        return stopReason
    }
}
