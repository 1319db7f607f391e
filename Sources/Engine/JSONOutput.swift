import Foundation

/// The one JSON encoder of everything nas-tui prints or writes as JSON (headless events,
/// exports, `studies --json`): sorted keys, no escaped slashes, one line per value.
public enum JSONOutput {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let lock = NSLock()

    /// `value` as one line of JSON.
    public static func line<T: Encodable>(_ value: T) -> String {
        lock.lock(); defer { lock.unlock() }
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            return "{\"error\":\"cannot encode \(T.self): \(error)\"}"
        }
    }
}

extension Double {
    /// The value when it is finite (JSON has no NaN or infinity), else nil.
    public var finite: Double? { isFinite ? self : nil }
}
