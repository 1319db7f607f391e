import Foundation

/// Why a genotype could not be parsed or built: what is wrong, where (character, cell, node or
/// edge, quoting the offending text) and what the space accepts.
public struct GenotypeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The full human-readable message.
    public let message: String
    /// 0-based character offset into the parsed text, when the error points at one.
    /// (Messages count characters from 1, as editors count columns.)
    public let offset: Int?

    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}

extension GenotypeError: LocalizedError {
    public var errorDescription: String? { message }
}
