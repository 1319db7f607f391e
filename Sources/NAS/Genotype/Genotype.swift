/// An architecture from any of the three search spaces, with its text formats: JSON (with the
/// space's name), the DARTS string and the NB201 string. Every format round-trips.
public enum Genotype: Hashable, Sendable {
    /// A DARTS normal + reduction cell.
    case darts(DartsGenotype)
    /// A NAS-Bench-201 cell.
    case nb201(NB201Architecture)
    /// A point of the layer-wise `chain` space: parameter name → value.
    case chain([String: ChainValue])

    /// The space's name as the command line and JSON spell it: "darts", "nb201" or "chain".
    public var spaceName: String {
        switch self {
        case .darts: return "darts"
        case .nb201: return "nb201"
        case .chain: return "chain"
        }
    }

    /// The space names `spaceName` can take.
    public static let spaceNames = ["darts", "nb201", "chain"]

    /// Parses any format, telling them apart by their first character: `{` JSON, `|` an NB201
    /// string, otherwise a DARTS string (`Genotype(...)`, optionally after `name = `).
    public static func parse(_ text: String) throws -> Genotype {
        guard let first = text.first(where: { !$0.isWhitespace }) else {
            throw GenotypeError("the genotype text is empty; expected \(formatsHelp)")
        }
        switch first {
        case "{": return try Genotype(json: text)
        case "|": return .nb201(try NB201Architecture(nb201String: text))
        default:
            if text.contains("Genotype") { return .darts(try DartsGenotype(dartsString: text)) }
            if text.contains("~") { return .nb201(try NB201Architecture(nb201String: text)) }
            let shown = text.genotypeTrimmed().genotypeOneLine()
            throw GenotypeError("unrecognised genotype \"\(shown.prefix(40))\(shown.count > 40 ? "…" : "")\"; "
                + "expected \(formatsHelp)")
        }
    }

    static let formatsHelp = "JSON ({\"space\": \"darts\" | \"nb201\" | \"chain\", ...}), a DARTS string "
        + "(Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], "
        + "reduce_concat=range(2, 6))) or an NB201 string (|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|...|)"

    /// The DARTS string, or nil for other spaces.
    public var dartsString: String? {
        if case .darts(let g) = self { return g.dartsString }
        return nil
    }

    /// The NB201 string, or nil for other spaces.
    public var nb201String: String? {
        if case .nb201(let a) = self { return a.nb201String }
        return nil
    }

    /// A short one-line form for a table cell: the NB201 string; for DARTS each cell's nodes as
    /// `op~input` pairs in two-letter codes (`N s3~0 s3~1|...  R mp~0 mp~1|...`); for chain
    /// `name=value` pairs in name order.
    public var summary: String {
        switch self {
        case .darts(let g):
            func cell(_ tag: String, _ kind: DartsGenotype.Cell) -> String {
                let edges = g.pairs(kind)
                let nodes = (0..<DartsGenotype.nodeCount).map { node in
                    edges[(2 * node)...(2 * node + 1)].map { "\($0.op.shortCode)~\($0.input)" }.joined(separator: " ")
                }
                let concat = g.concat(kind)
                let suffix = concat == DartsGenotype.defaultConcat
                    ? "" : " cat=" + concat.map(String.init).joined(separator: ",")
                return tag + " " + nodes.joined(separator: "|") + suffix
            }
            return cell("N", .normal) + "  " + cell("R", .reduce)
        case .nb201(let a):
            return a.nb201String
        case .chain(let params):
            return params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: " ")
        }
    }
}

extension Genotype: CustomStringConvertible {
    /// The space's natural text: the DARTS string, the NB201 string, or JSON for chain.
    public var description: String { dartsString ?? nb201String ?? jsonString }
}
