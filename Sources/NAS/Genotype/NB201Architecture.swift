/// A NAS-Bench-201 cell: one op on each of the 6 edges, in the order
/// 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2 (the order of the NB201 string).
///
/// `index` numbers the 15,625 cells in base 5, edge 0 the most significant digit and op digits in
/// `NB201Operation` order, so 0 is all `none` and 15,624 all `avg_pool_3x3`. The numbering is ours
/// and stable; it is not NAS-Bench-201's own row index.
public struct NB201Architecture: Hashable, Sendable {
    /// Edges per cell.
    public static let edgeCount = 6
    /// Number of architectures: 5^6.
    public static let spaceSize = 15_625
    /// (to, from) node pairs of the 6 edges, in order.
    public static let edges: [(to: Int, from: Int)] = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]
    /// "1<-0" ... "3<-2", the heatmap's row labels.
    public static let edgeLabels: [String] = edges.map { "\($0.to)<-\($0.from)" }

    /// The op on each edge, in `edges` order.
    public private(set) var ops: [NB201Operation]

    /// Throws unless `ops` has exactly 6 entries.
    public init(ops: [NB201Operation]) throws {
        guard ops.count == NB201Architecture.edgeCount else {
            throw GenotypeError("an NB201 cell has 6 edges (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2); got \(ops.count) ops")
        }
        self.ops = ops
    }

    init(unchecked ops: [NB201Operation]) { self.ops = ops }

    /// The architecture with base-5 index `index` (0..<15,625).
    public init(index: Int) throws {
        guard (0..<NB201Architecture.spaceSize).contains(index) else {
            throw GenotypeError("NB201 index \(index) is out of range; expected 0...\(NB201Architecture.spaceSize - 1)")
        }
        self.init(uncheckedIndex: index)
    }

    init(uncheckedIndex index: Int) {
        var ops = [NB201Operation](repeating: .none, count: NB201Architecture.edgeCount)
        var rest = index
        for edge in stride(from: NB201Architecture.edgeCount - 1, through: 0, by: -1) {
            ops[edge] = NB201Operation.allCases[rest % 5]
            rest /= 5
        }
        self.ops = ops
    }

    /// Base-5 index in 0..<15,625 (edge 0 most significant).
    public var index: Int { ops.reduce(0) { $0 * 5 + $1.index } }

    /// The op on the edge into node `to` from node `from` (0 <= from < to <= 3).
    public func op(to: Int, from: Int) -> NB201Operation {
        ops[to * (to - 1) / 2 + from]
    }

    /// The same cell with `edge` (0..<6) set to `op`.
    public func replacing(edge: Int, with op: NB201Operation) -> NB201Architecture {
        var copy = self
        copy.ops[edge] = op
        return copy
    }

    /// The 24 cells that differ in exactly one edge's op, edge by edge.
    public func neighbours() -> [NB201Architecture] {
        (0..<NB201Architecture.edgeCount).flatMap { edge in
            NB201Operation.allCases.filter { $0 != ops[edge] }.map { replacing(edge: edge, with: $0) }
        }
    }

    /// A uniformly chosen neighbour.
    public func mutated(using rng: inout some RandomNumberGenerator) -> NB201Architecture {
        let edge = Int.random(in: 0..<NB201Architecture.edgeCount, using: &rng)
        var choice = Int.random(in: 0..<4, using: &rng)
        if choice >= ops[edge].index { choice += 1 }
        return replacing(edge: edge, with: NB201Operation.allCases[choice])
    }

    /// A cell drawn uniformly from all 15,625.
    public static func random(using rng: inout some RandomNumberGenerator) -> NB201Architecture {
        NB201Architecture(uncheckedIndex: Int.random(in: 0..<spaceSize, using: &rng))
    }

    /// All 15,625 cells in index order.
    public static var all: [NB201Architecture] {
        (0..<spaceSize).map { NB201Architecture(uncheckedIndex: $0) }
    }
}

// MARK: the NB201 string

extension NB201Architecture: CustomStringConvertible {
    /// `|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`:
    /// node k (1..3) lists its edges from inputs 0..k-1 in order, nodes joined by `+`.
    public var nb201String: String {
        let nodes = (1...3).map { to in
            (0..<to).map { from in "\(op(to: to, from: from).rawValue)~\(from)" }.joined(separator: "|")
        }
        return "|" + nodes.joined(separator: "|+|") + "|"
    }

    public var description: String { nb201String }

    /// Parses an NB201 string (surrounding whitespace and spaces around ops are ignored). Each
    /// `~j` must match the edge's position: node k lists inputs 0..k-1 in order.
    public init(nb201String text: String) throws {
        if let ops = Self.strictOps(text) { self.init(unchecked: ops); return }
        let chars = Array(text)
        let context = "NB201 string"
        let example = "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|"
        func excerpt(_ range: Range<Int>) -> String { String(chars[range]).genotypeOneLine() }
        var lo = 0, hi = chars.count
        while lo < hi, chars[lo].isWhitespace { lo += 1 }
        while hi > lo, chars[hi - 1].isWhitespace { hi -= 1 }
        if lo == hi { throw GenotypeError("\(context) is empty; expected \(example)") }

        // Split into node groups at '+'.
        var groups: [Range<Int>] = []
        var start = lo
        for i in lo..<hi where chars[i] == "+" {
            groups.append(start..<i)
            start = i + 1
        }
        groups.append(start..<hi)
        guard groups.count == 3 else {
            throw GenotypeError("\(context) \"\(excerpt(lo..<hi))\" has \(groups.count) node\(groups.count == 1 ? "" : "s") "
                + "separated by '+'; expected 3, as in \(example)", offset: lo)
        }

        var ops: [NB201Operation] = []
        for (g, group) in groups.enumerated() {
            let node = g + 1
            let text = excerpt(group)
            guard group.count >= 2, chars[group.lowerBound] == "|", chars[group.upperBound - 1] == "|" else {
                throw GenotypeError("\(context): node \(node) \"\(text)\" at character \(group.lowerBound + 1) "
                    + "must start and end with '|' (is the string truncated?); expected \(example)",
                    offset: group.lowerBound)
            }
            // Split the inside at '|'.
            var tokens: [Range<Int>] = []
            var tokenStart = group.lowerBound + 1
            for i in (group.lowerBound + 1)..<(group.upperBound - 1) where chars[i] == "|" {
                tokens.append(tokenStart..<i)
                tokenStart = i + 1
            }
            tokens.append(tokenStart..<(group.upperBound - 1))
            guard tokens.count == node else {
                throw GenotypeError("\(context): node \(node) \"\(text)\" at character \(group.lowerBound + 1) lists "
                    + "\(tokens.count) edge\(tokens.count == 1 ? "" : "s"); node \(node) takes \(node) "
                    + "(from inputs \((0..<node).map(String.init).joined(separator: ", ")))", offset: group.lowerBound)
            }
            for (from, token) in tokens.enumerated() {
                let raw = excerpt(token).genotypeTrimmed()
                let place = "node \(node), edge \(node)<-\(from), at character \(token.lowerBound + 1)"
                let parts = raw.split(separator: "~", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw GenotypeError("\(context): \(place): \"\(raw)\" is not of the form 'op~\(from)'",
                                        offset: token.lowerBound)
                }
                let name = parts[0].genotypeTrimmed(), inputText = parts[1].genotypeTrimmed()
                guard let op = NB201Operation(rawValue: name) else {
                    throw GenotypeError("\(context): \(place): unknown NB201 operation '\(name)' in \"\(raw)\"; "
                        + "valid operations: \(NB201Operation.validNamesList)", offset: token.lowerBound)
                }
                guard let input = Int(inputText), input == from else {
                    throw GenotypeError("\(context): \(place): \"\(raw)\" names input '\(inputText)'; node \(node) "
                        + "lists its edges from inputs 0..\(node - 1) in order, so this one must be '~\(from)'",
                        offset: token.lowerBound)
                }
                ops.append(op)
            }
        }
        self.init(unchecked: ops)
    }
}

extension NB201Architecture {
    /// The ops' names as bytes, in `NB201Operation.allCases` order.
    private static let operationBytes: [(bytes: [UInt8], op: NB201Operation)] = NB201Operation.allCases.map { (Array($0.rawValue.utf8), $0) }

    /// The ops of a string in the exact form `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` (no spaces),
    /// read from its bytes; nil for anything else, which the full parser then accepts (spaces)
    /// or explains. Tables of 15,625 cells parse in milliseconds this way.
    static func strictOps(_ text: String) -> [NB201Operation]? {
        var text = text
        return text.withUTF8 { bytes -> [NB201Operation]? in
            var i = 0
            var ops: [NB201Operation] = []
            ops.reserveCapacity(edgeCount)
            for node in 1...3 {
                if node > 1 { guard i < bytes.count, bytes[i] == UInt8(ascii: "+") else { return nil }; i += 1 }
                guard i < bytes.count, bytes[i] == UInt8(ascii: "|") else { return nil }
                i += 1
                for from in 0..<node {
                    var found: NB201Operation?
                    for candidate in operationBytes where i + candidate.bytes.count < bytes.count {
                        if bytes[i + candidate.bytes.count] == UInt8(ascii: "~"),
                           zip(candidate.bytes.indices, candidate.bytes).allSatisfy({ bytes[i + $0] == $1 }) {
                            found = candidate.op
                            i += candidate.bytes.count + 1
                            break
                        }
                    }
                    guard let op = found, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "0") + UInt8(from),
                          bytes[i + 1] == UInt8(ascii: "|") else { return nil }
                    i += 2
                    ops.append(op)
                }
            }
            return i == bytes.count ? ops : nil
        }
    }
}

extension NB201Architecture: Codable {
    /// Encoded as its NB201 string.
    public init(from decoder: Decoder) throws {
        try self.init(nb201String: decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(nb201String)
    }
}

extension StringProtocol {
    func genotypeTrimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
