import Foundation

/// The one place the engine and the UI meet: the latest snapshot and the pending commands,
/// behind one lock. Readers copy the snapshot under the lock and work outside it.
public final class StateStore: @unchecked Sendable {
    private let lock = NSLock()
    private var latest = Snapshot()
    private var commands: [Command] = []
    private var version = 0

    public init() {}

    /// Replaces the snapshot (engine side).
    public func publish(_ snapshot: Snapshot) {
        lock.lock()
        latest = snapshot
        version &+= 1
        lock.unlock()
    }

    /// The latest snapshot and a counter that changes with every publish (UI side).
    public func take() -> (snapshot: Snapshot, version: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (latest, version)
    }

    /// The latest snapshot.
    public var snapshot: Snapshot { take().snapshot }

    /// Queues a command for the engine (UI side).
    public func send(_ command: Command) {
        lock.lock()
        commands.append(command)
        lock.unlock()
    }

    /// Removes and returns the queued commands in order (engine side).
    public func drainCommands() -> [Command] {
        lock.lock()
        defer { lock.unlock() }
        let pending = commands
        commands.removeAll(keepingCapacity: true)
        return pending
    }
}
