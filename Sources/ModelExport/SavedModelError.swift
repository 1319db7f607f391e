/// A saved model that cannot be written or read, or a network that cannot be exported; the
/// description names the file or value at fault and what is accepted (the command line exits 2).
public struct SavedModelError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
