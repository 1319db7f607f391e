import Config
import Foundation

/// Reads a `ChainSpace` out of a TOML document, checking every key and range and naming the
/// file and line of anything it cannot accept.
struct ChainSpaceReader {
    let document: TOMLDocument
    var name = ""
    var description: String?
    var head = ChainHead.flatten
    var layers: [ChainLayerSpec] = []
    var parameters: [ChainParameter] = []
    var trainParameters: [String: String] = [:]

    init(document: TOMLDocument) {
        self.document = document
    }

    mutating func read() throws {
        // An [experiment] table makes the file a whole run config (`nas-tui run --config`);
        // the run's settings check its keys.
        try document.checkKeys(allowed: ["space", "layer", "train", "experiment"])
        let defaultName = URL(fileURLWithPath: document.file).deletingPathExtension().lastPathComponent
        if let space = try document.root.tableIfPresent("space") {
            try space.checkKeys(allowed: ["name", "head", "description"])
            name = try space.string("name", default: defaultName)
            description = space.contains("description") ? try space.string("description") : nil
            if let headValue = space["head"] {
                let text = try space.string("head")
                guard let h = ChainHead(rawValue: text.lowercased()) else {
                    throw space.error("unknown head '\(text)'; accepted: "
                        + ChainHead.allCases.map(\.rawValue).joined(separator: ", "), at: headValue)
                }
                head = h
            }
        } else {
            name = defaultName
        }

        let blocks = try document.root.tablesIfPresent("layer")
        if blocks.isEmpty {
            throw ConfigError(file: document.file,
                message: "no [[layer]] blocks; declare at least one, e.g. [[layer]] kind = \"linear\" units = 64")
        }
        var firstLinear: ChainLayerSpec?
        var usedNames: [String: Int] = [:]
        for (index, block) in blocks.enumerated() {
            let spec = try readLayer(block, index: index, usedNames: &usedNames)
            if spec.kind == .conv, let linear = firstLinear {
                throw block.error("the conv layer '\(spec.name)' follows the linear layer '\(linear.name)' (line \(linear.line)); "
                    + "convolutions need an image, so put every conv layer before the linear ones")
            }
            if spec.kind == .linear, firstLinear == nil { firstLinear = spec }
            layers.append(spec)
        }

        if let train = try document.root.tableIfPresent("train") {
            try train.checkKeys(allowed: Set(ChainFieldRule.trainFields.map(\.key)))
            for key in train.keys {
                let rule = ChainFieldRule.trainFields.first { $0.key == key }!
                let p = try readParameter(name: "train.\(key)", value: train[key]!, rule: rule, in: train)
                parameters.append(p)
                trainParameters[key] = p.name
            }
        }
    }

    // MARK: Layers

    private mutating func readLayer(_ block: TOMLTable, index: Int, usedNames: inout [String: Int]) throws -> ChainLayerSpec {
        let kindValue = try block.value("kind", expected: "\"conv\" or \"linear\"")
        let kindText = try block.string("kind")
        guard let kind = ChainLayerKind(rawValue: kindText.lowercased()) else {
            throw block.error("unknown layer kind '\(kindText)'; accepted: conv, linear", at: kindValue)
        }
        let rules = ChainFieldRule.layerFields(kind)
        try block.checkKeys(allowed: Set(["name", "kind", "repeat", "independent"] + rules.map(\.key)))

        let name = try block.string("name", default: "layer\(index)")
        if let nameValue = block["name"] {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(TOMLValue.isBareKeyScalar) else {
                throw block.error("layer name '\(name)' must be letters, digits, '_' or '-'", at: nameValue)
            }
            if name == "train" {
                throw block.error("'train' is reserved for [train] parameters; choose another layer name", at: nameValue)
            }
        }
        if let previous = usedNames[name] {
            throw block.error("duplicate layer name '\(name)' (also used by the [[layer]] at line \(previous))",
                              at: block["name"])
        }
        usedNames[name] = block.line

        let required = kind == .conv ? "channels" : "units"
        if !block.contains(required) {
            throw block.error("missing key '\(required)' in the \(kind.rawValue) layer '\(name)'; expected an integer ≥ 1, "
                + "a { choice = [...] } or an { int = [low, high] } range")
        }

        var repeatParameter: String?
        var minRepeat = 1, maxRepeat = 1
        if let value = block["repeat"] {
            let p = try readParameter(name: "\(name).repeat", value: value, rule: .repeatCount, in: block)
            let depths = (p.values ?? []).compactMap(\.intValue)
            if case .int(let low, let high, _, _) = p.domain {
                minRepeat = low
                maxRepeat = high
            } else {
                minRepeat = depths.min() ?? 1
                maxRepeat = depths.max() ?? 1
            }
            if maxRepeat == 0 {
                throw block.error("'repeat' never builds the layer '\(name)' (its largest value is 0); remove the block instead",
                                  at: value)
            }
            parameters.append(p)
            repeatParameter = p.name
        }
        let independent = try block.bool("independent", default: false)
        let perRepetition = independent && maxRepeat > 1

        var fieldParameters: [String: [String]] = [:]
        var repeated: [(key: String, parameter: ChainParameter)] = []
        for key in block.keys {
            guard let rule = rules.first(where: { $0.key == key }) else { continue }
            let shared = try readParameter(name: "\(name).\(key)", value: block[key]!, rule: rule, in: block)
            if perRepetition, shared.kind != .fixed {
                repeated.append((key, shared))
                continue
            }
            var p = shared
            if minRepeat < 1, let repeatParameter {
                p.condition = .init(parameter: repeatParameter, atLeast: 1)
            }
            parameters.append(p)
            fieldParameters[key] = [p.name]
        }
        if perRepetition {
            for r in 0..<maxRepeat {
                for (key, shared) in repeated {
                    var p = shared
                    p.name = "\(name)[\(r)].\(key)"
                    if r + 1 > minRepeat, let repeatParameter {
                        p.condition = .init(parameter: repeatParameter, atLeast: r + 1)
                    }
                    parameters.append(p)
                    fieldParameters[key, default: []].append(p.name)
                }
            }
        }
        return ChainLayerSpec(name: name, kind: kind, line: block.line, repeatParameter: repeatParameter,
                              maxRepeat: maxRepeat, independent: independent, fieldParameters: fieldParameters)
    }

    // MARK: Parameters

    /// A parameter from `key = value`: a fixed value or `{ choice | int | float = ... }`.
    private func readParameter(name: String, value: TOMLValue, rule: ChainFieldRule, in table: TOMLTable) throws -> ChainParameter {
        let key = rule.key
        switch value.kind {
        case .table(let spec):
            return ChainParameter(name: name, domain: try readDomain(spec, value: value, rule: rule), line: value.line)
        case .array:
            throw table.error("'\(key)' = \(value.text): write a choice as { choice = \(value.text) }", at: value)
        default:
            return ChainParameter(name: name, domain: .fixed(try convert(value, rule: rule, in: table)), line: value.line)
        }
    }

    private func readDomain(_ spec: TOMLTable, value: TOMLValue, rule: ChainFieldRule) throws -> ChainParameter.Domain {
        let key = rule.key
        try spec.checkKeys(allowed: ["choice", "int", "float", "log", "step"])
        let forms = ["choice", "int", "float"].filter(spec.contains)
        guard forms.count == 1 else {
            let problem = forms.isEmpty ? "has none of" : "has more than one of"
            throw spec.error("'\(key)' = \(value.text) \(problem) choice = [...], int = [low, high], float = [low, high]; "
                + "give exactly one", at: value)
        }
        switch forms[0] {
        case "choice":
            for extra in ["log", "step"] where spec.contains(extra) {
                throw spec.error("'\(extra)' applies to int and float ranges, not to a choice", at: spec[extra])
            }
            let items = try spec.array("choice")
            if items.isEmpty {
                throw spec.error("'\(key)' has an empty choice list; give at least one value (\(rule.requirement))",
                                 at: spec["choice"])
            }
            var values: [ChainValue] = []
            for item in items {
                let v = try convert(item, rule: rule, in: spec)
                if values.contains(v) {
                    throw spec.error("duplicate choice \(item.text) for '\(key)'", at: item)
                }
                values.append(v)
            }
            return .choice(values)

        case "int":
            guard rule.type == .int else {
                let form = rule.type == .float ? "{ float = [low, high] }" : "{ choice = [...] }"
                throw spec.error("'\(key)' takes \(rule.typeWords), not an int range; write \(form)", at: spec["int"])
            }
            let (low, high) = try readBounds(spec, form: "int", rule: rule) { $0.intValue }
            let log = try spec.bool("log", default: false)
            let step = try spec.int("step", default: 1)
            if step < 1 { throw spec.error("'step' must be ≥ 1; found \(step)", at: spec["step"]) }
            if log && step != 1 {
                throw spec.error("'step' and 'log = true' cannot be combined for '\(key)'", at: spec["step"])
            }
            if log && low < 1 {
                throw spec.error("the log range [\(low), \(high)] for '\(key)' needs low ≥ 1", at: spec["int"])
            }
            if (high - low) % step != 0 {
                throw spec.error("the range [\(low), \(high)] for '\(key)' does not end on a step of \(step); "
                    + "use high = \(high - (high - low) % step)", at: spec["int"])
            }
            var probes = [low, high]
            if low + step <= high { probes.append(low + step) }
            for probe in probes.sorted() where !rule.allows(.int(probe)) {
                throw spec.error("the range [\(low), \(high)] for '\(key)' includes \(probe), but '\(key)' must be "
                    + rule.requirement, at: spec["int"])
            }
            return .int(low: low, high: high, step: step, log: log)

        default:
            guard rule.type == .float else {
                let form = rule.type == .int ? "{ int = [low, high] }" : "{ choice = [...] }"
                throw spec.error("'\(key)' takes \(rule.typeWords), not a float range; write \(form)", at: spec["float"])
            }
            if spec.contains("step") {
                throw spec.error("'step' applies to int ranges only", at: spec["step"])
            }
            let (low, high) = try readBounds(spec, form: "float", rule: rule) { $0.doubleValue }
            let log = try spec.bool("log", default: false)
            if log && low <= 0 {
                throw spec.error("the log range [\(low), \(high)] for '\(key)' needs low > 0", at: spec["float"])
            }
            for probe in [low, high] where !rule.allows(.double(probe)) {
                throw spec.error("the range [\(low), \(high)] for '\(key)' includes \(probe), but '\(key)' must be "
                    + rule.requirement, at: spec["float"])
            }
            return .float(low: low, high: high, log: log)
        }
    }

    /// `form = [low, high]` with low ≤ high.
    private func readBounds<T: Comparable>(_ spec: TOMLTable, form: String, rule: ChainFieldRule,
                                           _ get: (TOMLValue) -> T?) throws -> (T, T) {
        let bounds = try spec.array(form)
        let wanted = form == "int" ? "integers" : "numbers"
        guard bounds.count == 2, let low = get(bounds[0]), let high = get(bounds[1]) else {
            throw spec.error("'\(rule.key)': \(form) = \(spec[form]!.text) must be two \(wanted) [low, high]", at: spec[form])
        }
        guard low <= high else {
            throw spec.error("the range [\(low), \(high)] for '\(rule.key)' is empty: low must not exceed high", at: spec[form])
        }
        return (low, high)
    }

    /// One value of a parameter (fixed or a choice), in the rule's type, names lower-cased.
    private func convert(_ v: TOMLValue, rule: ChainFieldRule, in table: TOMLTable) throws -> ChainValue {
        let key = rule.key
        let value: ChainValue
        switch rule.type {
        case .int:
            guard let i = v.intValue else {
                throw table.error("'\(key)' takes integers (\(rule.requirement)); found \(v.typeName) \(v.text)", at: v)
            }
            value = .int(i)
        case .float:
            guard let d = v.doubleValue else {
                throw table.error("'\(key)' takes numbers (\(rule.requirement)); found \(v.typeName) \(v.text)", at: v)
            }
            value = .double(d)
        case .string:
            guard let s = v.stringValue else {
                throw table.error("'\(key)' takes a name in quotes (\(rule.requirement)); found \(v.typeName) \(v.text)", at: v)
            }
            guard rule.names.contains(s.lowercased()) else {
                throw table.error("unsupported \(key) '\(s)'; accepted: \(rule.names.joined(separator: ", ")) (any case)", at: v)
            }
            value = .string(s.lowercased())
        }
        guard rule.allows(value) else {
            throw table.error("'\(key)' = \(v.text) is not allowed: '\(key)' must be \(rule.requirement)", at: v)
        }
        return value
    }
}
