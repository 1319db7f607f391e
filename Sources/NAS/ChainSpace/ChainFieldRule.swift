/// What one key of a `[[layer]]` or `[train]` block accepts: integers, floats or names, and
/// which values make sense (odd kernels, positive widths, dropout below 1, ...).
struct ChainFieldRule {
    enum ValueType { case int, float, string }

    let key: String
    let type: ValueType
    /// Accepted names (lower case) for string fields; the config may use any case.
    let names: [String]
    /// The rule in words, for messages: "an odd integer ≥ 1".
    let requirement: String
    let allows: @Sendable (ChainValue) -> Bool

    init(_ key: String, _ type: ValueType, names: [String] = [], requirement: String,
         allows: @escaping @Sendable (ChainValue) -> Bool = { _ in true }) {
        self.key = key
        self.type = type
        self.names = names
        self.requirement = requirement
        self.allows = allows
    }

    /// "integers", "numbers" or "names", for messages.
    var typeWords: String {
        switch type {
        case .int: return "integers"
        case .float: return "numbers"
        case .string: return "names"
        }
    }

    static func positiveInt(_ key: String) -> ChainFieldRule {
        ChainFieldRule(key, .int, requirement: "an integer ≥ 1") { ($0.intValue ?? 0) >= 1 }
    }

    static func names<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> ChainFieldRule
    where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        return ChainFieldRule(key, .string, names: names, requirement: "one of " + names.joined(separator: ", "))
    }

    static let kernel = ChainFieldRule(
        "kernel", .int, requirement: "an odd integer ≥ 1 (use step = 2 for a range of odd sizes)"
    ) { v in
        guard let k = v.intValue else { return false }
        return k >= 1 && k % 2 == 1
    }
    static let channels = positiveInt("channels")
    static let units = positiveInt("units")
    static let stride = positiveInt("stride")
    static let repeatCount = ChainFieldRule("repeat", .int, requirement: "an integer ≥ 0") { ($0.intValue ?? -1) >= 0 }
    static let activation = names("activation", ChainActivation.self)
    static let pool = names("pool", ChainPool.self)
    static let norm = names("norm", ChainNorm.self)
    static let dropout = ChainFieldRule("dropout", .float, requirement: "a probability in [0, 1)") { v in
        guard let p = v.doubleValue else { return false }
        return p >= 0 && p < 1
    }

    static let learningRate = ChainFieldRule("lr", .float, requirement: "a number > 0") { ($0.doubleValue ?? 0) > 0 }
    static let optimizer = names("optimizer", ChainOptimizer.self)
    static let momentum = ChainFieldRule("momentum", .float, requirement: "a number in [0, 1)") { v in
        guard let m = v.doubleValue else { return false }
        return m >= 0 && m < 1
    }
    static let weightDecay = ChainFieldRule("weight_decay", .float, requirement: "a number ≥ 0") { ($0.doubleValue ?? -1) >= 0 }
    static let batchSize = positiveInt("batch_size")

    /// The searchable keys of a layer of each kind.
    static func layerFields(_ kind: ChainLayerKind) -> [ChainFieldRule] {
        switch kind {
        case .conv: return [kernel, channels, stride, pool, norm, activation, dropout]
        case .linear: return [units, activation, dropout]
        }
    }

    static let trainFields = [learningRate, optimizer, momentum, weightDecay, batchSize]
}
