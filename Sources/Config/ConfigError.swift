/// An error in a configuration file. It names the file, the line (and the column when it is
/// known), what was found there and what would have been accepted, and prints the way
/// compilers do: `FILE:LINE:COLUMN: message`, or `FILE:LINE: message` without a column.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path of the file, as the caller gave it.
    public var file: String
    /// The 1-based line at fault, when the error has one.
    public var line: Int?
    /// The 1-based column (in Unicode scalars) at fault, when it is known.
    public var column: Int?
    /// What is wrong and what would be accepted.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(message)"
    }
}
