import Foundation

/// Why a DARTS search could not be built or could not go on. The description names the value
/// at fault and what would be accepted.
public struct DartsSearchError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension DartsSearchError: LocalizedError {
    public var errorDescription: String? { description }
}
