/// The DARTS string, as the original DARTS code prints its `Genotype` namedtuple:
/// `Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))`.
extension DartsGenotype {
    /// The genotype as the original DARTS code prints it. A concat of exactly 2..<6 prints as
    /// `range(2, 6)`, any other as a list.
    public var dartsString: String {
        func pairs(_ edges: [Edge]) -> String {
            "[" + edges.map { "('\($0.op.rawValue)', \($0.input))" }.joined(separator: ", ") + "]"
        }
        func concat(_ nodes: [Int]) -> String {
            nodes == DartsGenotype.defaultConcat
                ? "range(2, 6)" : "[" + nodes.map(String.init).joined(separator: ", ") + "]"
        }
        return "Genotype(normal=\(pairs(normal)), normal_concat=\(concat(normalConcat)), "
            + "reduce=\(pairs(reduce)), reduce_concat=\(concat(reduceConcat)))"
    }

    /// Parses a DARTS string. Accepts single or double quotes, any whitespace (also line breaks),
    /// a leading `genotype = ` (any name), concat as `range(a, b)` or a list, pairs as tuples or
    /// lists, trailing commas; a missing concat means [2, 3, 4, 5].
    public init(dartsString text: String) throws {
        var s = GenotypeScanner(text, context: "DARTS string")
        s.skipWhitespace()
        let nameStart = s.pos
        var name = s.identifier()
        if name != nil, s.consume("=") {
            s.skipWhitespace()
            name = s.identifier()
        }
        guard name == "Genotype" else {
            throw s.error("expected 'Genotype(' (optionally after 'genotype = ')", at: nameStart)
        }
        try s.expect("(", "'(' after 'Genotype'")

        var normal: [Edge]?, reduce: [Edge]?
        var normalConcat: [Int]?, reduceConcat: [Int]?
        var seen = Set<String>()
        let fieldNames = "normal, normal_concat, reduce, reduce_concat"
        while !s.consume(")") {
            s.skipWhitespace()
            let keyStart = s.pos
            guard let key = s.identifier() else {
                throw s.error("expected a field name (\(fieldNames)) or ')'")
            }
            guard ["normal", "reduce", "normal_concat", "reduce_concat"].contains(key) else {
                throw s.error(about: "unknown field '\(key)'; a DARTS genotype has the fields \(fieldNames)", at: keyStart)
            }
            guard seen.insert(key).inserted else {
                throw s.error(about: "field '\(key)' appears twice", at: keyStart)
            }
            try s.expect("=", "'=' after '\(key)'")
            switch key {
            case "normal": normal = try DartsGenotype.parsePairs(&s, cell: .normal)
            case "reduce": reduce = try DartsGenotype.parsePairs(&s, cell: .reduce)
            case "normal_concat": normalConcat = try DartsGenotype.parseConcat(&s, cell: .normal)
            default: reduceConcat = try DartsGenotype.parseConcat(&s, cell: .reduce)
            }
            if s.consume(",") { continue }
            try s.expect(")", "',' or ')' after the \(key) field")
            break
        }
        s.skipWhitespace()
        if !s.atEnd { throw s.error("unexpected text after the closing ')'") }
        guard let normal else { throw GenotypeError("DARTS string: the field 'normal' is missing (fields: \(fieldNames))") }
        guard let reduce else { throw GenotypeError("DARTS string: the field 'reduce' is missing (fields: \(fieldNames))") }
        do {
            try self.init(normal: normal, normalConcat: normalConcat ?? DartsGenotype.defaultConcat,
                          reduce: reduce, reduceConcat: reduceConcat ?? DartsGenotype.defaultConcat)
        } catch let error as GenotypeError {
            throw GenotypeError("DARTS string: \(error.message)")
        }
    }

    /// `[('op', j), ...]`, checking each op and input as it goes so errors carry a position.
    private static func parsePairs(_ s: inout GenotypeScanner, cell: Cell) throws -> [Edge] {
        s.skipWhitespace()
        let listStart = s.pos
        try s.expect("[", "'[' starting the \(cell.rawValue) list")
        var edges: [Edge] = []
        if !s.consume("]") {
            while true {
                s.skipWhitespace()
                let pairStart = s.pos
                let place = "\(cell.rawValue)[\(edges.count)]"
                guard let open = s.peek, open == "(" || open == "[" else {
                    throw s.error("expected '(' starting \(place), an ('op', input) pair")
                }
                if edges.count == pairCount {
                    throw s.error(about: "\(cell.rawValue) has more than \(pairCount) pairs; expected \(pairCount) "
                        + "(2 for each of the \(nodeCount) intermediate nodes)", at: pairStart)
                }
                s.pos += 1
                let (name, nameOffset) = try s.quoted("the operation name of \(place)")
                guard let op = DartsOperation(rawValue: name) else {
                    throw s.error(about: "\(place) (node \(edges.count / 2)): unknown DARTS operation '\(name)'; "
                        + "valid operations: \(DartsOperation.validNamesList)", at: nameOffset)
                }
                try s.expect(",", "',' after the operation name of \(place)")
                s.skipWhitespace()
                let inputOffset = s.pos
                let input = try s.integer("the input index of \(place)")
                _ = s.consume(",")
                try s.expect(open == "(" ? ")" : "]", "'\(open == "(" ? ")" : "]")' closing \(place)")
                let edge = Edge(op, input)
                if let problem = pairProblem(edge, cell: cell, position: edges.count) {
                    throw s.error(about: problem, at: op == .none ? nameOffset : inputOffset)
                }
                edges.append(edge)
                if s.consume(",") {
                    if s.consume("]") { break }
                    continue
                }
                try s.expect("]", "',' or ']' after \(place)")
                break
            }
        }
        if let problem = countProblem(edges.count, cell: cell) {
            throw s.error(about: problem, at: listStart)
        }
        return edges
    }

    /// `range(a, b)`, `range(b)` or `[i, j, ...]`.
    private static func parseConcat(_ s: inout GenotypeScanner, cell: Cell) throws -> [Int] {
        s.skipWhitespace()
        let start = s.pos
        let what = "\(cell.rawValue)_concat"
        var nodes: [Int] = []
        if s.consume("[") {
            while !s.consume("]") {
                nodes.append(try s.integer("a node index in \(what)"))
                if s.consume(",") { continue }
                try s.expect("]", "',' or ']' in \(what)")
                break
            }
        } else if s.identifier() == "range" {
            try s.expect("(", "'(' after 'range'")
            var lower = 0
            var upper = try s.integer("the bound of range() in \(what)")
            if s.consume(",") {
                s.skipWhitespace()
                if s.peek != ")" {
                    lower = upper
                    upper = try s.integer("the upper bound of range() in \(what)")
                    _ = s.consume(",")
                }
            }
            try s.expect(")", "')' closing range()")
            // Checked before the nodes are listed: range(0, 10**12) would not fit in memory.
            let valid = 2..<(2 + nodeCount)
            if lower < upper, lower < valid.lowerBound || upper > valid.upperBound {
                let bad = lower < valid.lowerBound ? lower : upper - 1
                throw s.error(about: "\(what) range(\(lower), \(upper)): \(bad) is not an intermediate node; "
                    + "expected values in 2...5, e.g. range(2, 6)", at: start)
            }
            nodes = lower < upper ? Array(lower..<upper) : []
        } else {
            throw s.error("expected \(what) as range(2, 6) or a list such as [2, 3, 4, 5]", at: start)
        }
        do {
            try validateConcat(nodes, cell: cell)
        } catch let error as GenotypeError {
            throw s.error(about: error.message, at: start)
        }
        return nodes
    }
}
