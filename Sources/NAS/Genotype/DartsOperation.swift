/// An operation on an edge of the DARTS cell. Case order is the original DARTS `PRIMITIVES`
/// order: the column order of the architecture weights (alpha) and of the heatmap.
public enum DartsOperation: String, CaseIterable, Codable, Hashable, Sendable {
    case none
    case maxPool3x3 = "max_pool_3x3"
    case avgPool3x3 = "avg_pool_3x3"
    case skipConnect = "skip_connect"
    case sepConv3x3 = "sep_conv_3x3"
    case sepConv5x5 = "sep_conv_5x5"
    case dilConv3x3 = "dil_conv_3x3"
    case dilConv5x5 = "dil_conv_5x5"

    /// Column index in `allCases` (the alpha column of this op).
    public var index: Int {
        switch self {
        case .none: return 0
        case .maxPool3x3: return 1
        case .avgPool3x3: return 2
        case .skipConnect: return 3
        case .sepConv3x3: return 4
        case .sepConv5x5: return 5
        case .dilConv3x3: return 6
        case .dilConv5x5: return 7
        }
    }

    /// The seven operations a derived or sampled genotype may use: all but `none`, which DARTS
    /// drops when it derives the discrete cell.
    public static let nonNone: [DartsOperation] = allCases.filter { $0 != .none }

    /// Two-character code for compact summaries (`s3` = sep_conv_3x3, `sk` = skip_connect, ...).
    public var shortCode: String {
        switch self {
        case .none: return "--"
        case .maxPool3x3: return "mp"
        case .avgPool3x3: return "ap"
        case .skipConnect: return "sk"
        case .sepConv3x3: return "s3"
        case .sepConv5x5: return "s5"
        case .dilConv3x3: return "d3"
        case .dilConv5x5: return "d5"
        }
    }

    /// "max_pool_3x3, avg_pool_3x3, ..." — the ops a genotype accepts, for error messages.
    static var validNamesList: String { nonNone.map(\.rawValue).joined(separator: ", ") }
}
