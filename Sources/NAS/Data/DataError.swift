import Foundation

/// An error raised while reading or preparing a data set. The description names the file or
/// value at fault, what was wrong, and what would have been accepted.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension DataError: LocalizedError {
    public var errorDescription: String? { description }
}
