/// The search spaces by the name that the command line, config files and stored studies use.
public enum SpaceName: String, CaseIterable, Codable, Sendable {
    case darts, nb201, chain

    /// "darts, nb201, chain", for messages.
    public static var acceptedText: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
