/// An operation on an edge of the NAS-Bench-201 cell, in NAS-Bench-201's own order (the digit
/// order of `NB201Architecture.index` and the heatmap's column order).
public enum NB201Operation: String, CaseIterable, Codable, Hashable, Sendable {
    case none
    case skipConnect = "skip_connect"
    case norConv1x1 = "nor_conv_1x1"
    case norConv3x3 = "nor_conv_3x3"
    case avgPool3x3 = "avg_pool_3x3"

    /// Position in `allCases` (the base-5 digit of this op).
    public var index: Int {
        switch self {
        case .none: return 0
        case .skipConnect: return 1
        case .norConv1x1: return 2
        case .norConv3x3: return 3
        case .avgPool3x3: return 4
        }
    }

    /// Two-character code for compact displays.
    public var shortCode: String {
        switch self {
        case .none: return "--"
        case .skipConnect: return "sk"
        case .norConv1x1: return "c1"
        case .norConv3x3: return "c3"
        case .avgPool3x3: return "ap"
        }
    }

    /// "none, skip_connect, ..." — every op of the space, for error messages.
    static var validNamesList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
