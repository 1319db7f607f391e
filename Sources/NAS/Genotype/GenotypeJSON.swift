/// The JSON form of a genotype, the file `export` writes and `train --genotype` reads:
/// `{"space":"darts","normal":[["sep_conv_3x3",0],...],"normal_concat":[2,3,4,5],"reduce":[...],"reduce_concat":[...]}`,
/// `{"space":"nb201","arch":"|...|"}`, `{"space":"chain","params":{"name":value,...}}`.
/// Keys other than these are ignored, so a file may carry extra fields (accuracy, trial id).
extension Genotype {
    /// Compact JSON, `space` first, then the fields in the order above (chain params by name).
    public var jsonString: String {
        switch self {
        case .darts(let g):
            func pairs(_ edges: [DartsGenotype.Edge]) -> String {
                "[" + edges.map { "[\"\($0.op.rawValue)\",\($0.input)]" }.joined(separator: ",") + "]"
            }
            func list(_ v: [Int]) -> String { "[" + v.map(String.init).joined(separator: ",") + "]" }
            return "{\"space\":\"darts\",\"normal\":\(pairs(g.normal)),\"normal_concat\":\(list(g.normalConcat)),"
                + "\"reduce\":\(pairs(g.reduce)),\"reduce_concat\":\(list(g.reduceConcat))}"
        case .nb201(let a):
            return "{\"space\":\"nb201\",\"arch\":\(genotypeJSONQuoted(a.nb201String))}"
        case .chain(let params):
            let fields = params.keys.sorted().map { "\(genotypeJSONQuoted($0)):\(params[$0]!.jsonLiteral)" }
            return "{\"space\":\"chain\",\"params\":{\(fields.joined(separator: ","))}}"
        }
    }

    /// Parses the JSON form; errors give the character and the key path at fault.
    public init(json text: String) throws {
        let root = try GenotypeJSONNode.parse(text)
        func fail(_ problem: String, _ node: GenotypeJSONNode) -> GenotypeError {
            GenotypeError("genotype JSON: \(problem) (at character \(node.offset + 1))", offset: node.offset)
        }
        guard case .object = root.kind else {
            throw fail("expected an object such as {\"space\": \"darts\", ...}, found \(root.typeName)", root)
        }
        guard let spaceNode = root["space"] else {
            throw fail("missing \"space\"; expected \"darts\", \"nb201\" or \"chain\"", root)
        }
        guard case .string(let space) = spaceNode.kind else {
            throw fail("\"space\" must be a string, found \(spaceNode.typeName); expected \"darts\", \"nb201\" or \"chain\"", spaceNode)
        }
        guard Genotype.spaceNames.contains(space) else {
            throw fail("unknown space \(genotypeJSONQuoted(space)); expected \"darts\", \"nb201\" or \"chain\"", spaceNode)
        }
        switch space {
        case "darts":
            func pairs(_ cell: DartsGenotype.Cell) throws -> [DartsGenotype.Edge] {
                guard let node = root[cell.rawValue] else {
                    throw fail("missing \"\(cell.rawValue)\", a list of 8 [\"op\", input] pairs", root)
                }
                guard case .array(let items) = node.kind else {
                    throw fail("\"\(cell.rawValue)\" must be a list of [\"op\", input] pairs, found \(node.typeName)", node)
                }
                var edges: [DartsGenotype.Edge] = []
                for (i, item) in items.enumerated() {
                    let place = "\(cell.rawValue)[\(i)]"
                    guard case .array(let parts) = item.kind, parts.count == 2,
                          case .string(let name) = parts[0].kind, case .int(let input) = parts[1].kind else {
                        throw fail("\(place) must be an [\"op\", input] pair such as [\"sep_conv_3x3\", 0], "
                            + "found \(item.typeName)", item)
                    }
                    guard let op = DartsOperation(rawValue: name) else {
                        throw fail("\(place) (node \(i / 2)): unknown DARTS operation '\(name)'; "
                            + "valid operations: \(DartsOperation.validNamesList)", parts[0])
                    }
                    let edge = DartsGenotype.Edge(op, input)
                    if i < DartsGenotype.pairCount,
                       let problem = DartsGenotype.pairProblem(edge, cell: cell, position: i) {
                        throw fail(problem, op == .none ? parts[0] : parts[1])
                    }
                    edges.append(edge)
                }
                if let problem = DartsGenotype.countProblem(edges.count, cell: cell) { throw fail(problem, node) }
                return edges
            }
            func concat(_ cell: DartsGenotype.Cell) throws -> [Int] {
                let key = "\(cell.rawValue)_concat"
                guard let node = root[key] else { return DartsGenotype.defaultConcat }
                guard case .array(let items) = node.kind else {
                    throw fail("\"\(key)\" must be a list of node indices such as [2, 3, 4, 5], found \(node.typeName)", node)
                }
                let nodes: [Int] = try items.map { item in
                    guard case .int(let v) = item.kind else {
                        throw fail("\"\(key)\" must hold integers, found \(item.typeName)", item)
                    }
                    return v
                }
                do { try DartsGenotype.validateConcat(nodes, cell: cell) } catch let e as GenotypeError { throw fail(e.message, node) }
                return nodes
            }
            let normal = try pairs(.normal), reduce = try pairs(.reduce)
            let normalConcat = try concat(.normal), reduceConcat = try concat(.reduce)
            do {
                self = .darts(try DartsGenotype(normal: normal, normalConcat: normalConcat,
                                                reduce: reduce, reduceConcat: reduceConcat))
            } catch let e as GenotypeError {
                throw GenotypeError("genotype JSON: \(e.message)")
            }
        case "nb201":
            guard let node = root["arch"] else {
                throw fail("missing \"arch\", an NB201 string such as \"|nor_conv_3x3~0|+|...|\"", root)
            }
            guard case .string(let arch) = node.kind else {
                throw fail("\"arch\" must be an NB201 string, found \(node.typeName)", node)
            }
            do {
                self = .nb201(try NB201Architecture(nb201String: arch))
            } catch let e as GenotypeError {
                throw fail("\"arch\": \(e.message)", node)
            }
        default:
            guard let node = root["params"] else {
                throw fail("missing \"params\", an object of parameter name → number or string", root)
            }
            guard case .object(let fields) = node.kind else {
                throw fail("\"params\" must be an object of parameter name → number or string, found \(node.typeName)", node)
            }
            var params: [String: ChainValue] = [:]
            for (key, value) in fields {
                switch value.kind {
                case .int(let v): params[key] = .int(v)
                case .double(let v): params[key] = .double(v)
                case .string(let v): params[key] = .string(v)
                default: throw fail("chain parameter \"\(key)\" must be a number or a string, found \(value.typeName)", value)
                }
            }
            self = .chain(params)
        }
    }
}

extension Genotype: Codable {
    enum CodingKeys: String, CodingKey {
        case space, normal, reduce, arch, params
        case normalConcat = "normal_concat"
        case reduceConcat = "reduce_concat"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let space = try c.decode(String.self, forKey: .space)
        switch space {
        case "darts": self = .darts(try DartsGenotype(from: decoder))
        case "nb201": self = .nb201(try c.decode(NB201Architecture.self, forKey: .arch))
        case "chain": self = .chain(try c.decode([String: ChainValue].self, forKey: .params))
        default:
            throw GenotypeError("genotype JSON: unknown space \(genotypeJSONQuoted(space)); expected \"darts\", \"nb201\" or \"chain\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(spaceName, forKey: .space)
        switch self {
        case .darts(let g):
            try c.encode(g.normal, forKey: .normal)
            try c.encode(g.normalConcat, forKey: .normalConcat)
            try c.encode(g.reduce, forKey: .reduce)
            try c.encode(g.reduceConcat, forKey: .reduceConcat)
        case .nb201(let a):
            try c.encode(a, forKey: .arch)
        case .chain(let params):
            try c.encode(params, forKey: .params)
        }
    }
}
