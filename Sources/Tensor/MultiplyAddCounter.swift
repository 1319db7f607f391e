import Foundation

/// Counts the multiply-adds of convolutions and linear layers (plus their bias additions) run on
/// this thread inside `counting`, the way NAS-Bench-201's FLOP counter does.
public enum MultiplyAddCounter {
    private final class Box { var total = 0 }
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` and returns its result with the multiply-adds it performed.
    public static func counting<T>(_ body: () throws -> T) rethrows -> (T, Int) {
        let box = Box()
        let previous = pthread_getspecific(key)
        let retained = Unmanaged.passRetained(box)
        pthread_setspecific(key, retained.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            retained.release()
        }
        let result = try body()
        return (result, box.total)
    }

    /// Adds `count` to the active counter, if any.
    @inline(__always) static func add(_ count: Int) {
        guard let raw = pthread_getspecific(key) else { return }
        Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().total += count
    }
}
