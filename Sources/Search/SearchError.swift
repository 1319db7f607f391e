import Foundation

/// Why a strategy, an objective or a benchmark file could not do what was asked: what is wrong,
/// where (file:line, value) and what would be accepted.
public struct SearchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The full human-readable message.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension SearchError: LocalizedError {
    public var errorDescription: String? { message }
}
