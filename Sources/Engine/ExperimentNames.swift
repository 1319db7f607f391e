/// The strategies a study can run, by the name the command line, config files, the strategy
/// picker and stored studies use.
public enum StrategyName: String, CaseIterable, Codable, Sendable {
    case random, evolution, tpe, darts, hyperband

    /// "random, evolution, tpe, darts, hyperband", for messages.
    public static var acceptedText: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The automatic pruners, by name.
public enum PrunerName: String, CaseIterable, Codable, Sendable {
    case median, halving, none

    /// "median, halving, none", for messages.
    public static var acceptedText: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
