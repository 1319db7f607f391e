import Config
import Foundation

/// A layer-wise search space declared in a TOML file (`--space chain --config FILE.toml`),
/// in the spirit of NNI's `nni.choice` / `nn.Repeat` and Optuna's `suggest_*` calls.
/// Samples are assignments `[String: ChainValue]`; `resolve(_:)` turns one into layers.
///
/// File format (`demo/chain_convnet.toml` and `demo/chain_mlp.toml` are worked examples):
///
///     [space]                        # optional
///     name = "convnet"               # default: the file name without its extension
///     head = "flatten"               # flatten | avgpool: how conv features reach linear layers
///     description = "free text"
///
///     [[layer]]                      # one block per [[layer]], in order; conv blocks first
///     name = "conv1"                 # default layer0, layer1, ...; prefixes parameter names
///     kind = "conv"                  # conv | linear (fixed)
///     kernel = { choice = [3, 5, 7] }              # conv: odd size           (default 3)
///     channels = { choice = [16, 32, 64] }         # conv: output channels    (required)
///     stride = 1                                   # conv                     (default 1)
///     pool = "max"                                 # conv: none | max | avg   (default none)
///     norm = "batch"                 # conv: none | batch; batch norm before the activation,
///                                    # and then the conv has no bias        (default none)
///     units = { int = [4, 128], log = true }       # linear: units            (required)
///     activation = { choice = ["relu", "gelu"] }   # relu | gelu | silu       (default relu)
///     dropout = { float = [0.2, 0.5] }             # in [0, 1)                (default 0)
///     repeat = { int = [1, 3] }      # depth: the block is stacked 1 to 3 times (default 1)
///     independent = true             # each repetition draws its own values (default false:
///                                    # repetitions share them, like one nn.Repeat block)
///
///     [train]                        # optional
///     lr = { float = [1e-5, 1e-1], log = true }    # > 0                      (default 0.001)
///     optimizer = { choice = ["Adam", "SGD"] }     # sgd | adam, any case     (default adam)
///     momentum = 0.9                 # [0, 1); weight_decay ≥ 0; batch_size ≥ 1 (all optional)
///
///     [experiment]                   # optional: run options (`nas-tui run --config FILE`
///                                    # reads them; the space ignores this table)
///
/// Every searchable key takes a plain value (fixed), `{ choice = [...] }` (categorical),
/// `{ int = [low, high] }` with optional `step = k` or `log = true`, or
/// `{ float = [low, high] }` with optional `log = true`.
///
/// Parameters are named `<layer>.<key>` (`conv1.kernel`, `block.repeat`) and `train.<key>`
/// (`train.lr`); in an `independent` block that repeats, searched keys get one parameter per
/// repetition (`hidden[0].units`, `hidden[1].units`, ...). A parameter used only at depth ≥ n
/// carries a condition on the repeat parameter: samplers skip it and assignments may omit it
/// when the depth is smaller. Keys left out of the file are not parameters: they take the
/// defaults above. The model builder adds the classifier after the last layer; conv layers
/// use "same" padding.
public struct ChainSpace: Hashable, Sendable {
    /// The space's name (`[space] name`).
    public var name: String
    /// The config file the space was read from.
    public var file: String
    public var description: String?
    public var head: ChainHead
    /// The `[[layer]]` blocks, in order.
    public var layers: [ChainLayerSpec]
    /// Every parameter in sampling order: per block its repeat count first, then its keys
    /// (shared ones, then per repetition), then `train.*`. Includes fixed values.
    public var parameters: [ChainParameter]
    /// `train.<key>` parameter names by key (`lr`, `optimizer`, ...), for the keys the file sets.
    public var trainParameters: [String: String]

    /// Reads and checks the space declared in `text`; `file` is the path errors name.
    public init(parsing text: String, file: String) throws {
        try self.init(document: TOMLDocument(parsing: text, file: file))
    }

    /// Reads and checks the space declared in the file at `path`.
    public init(contentsOfFile path: String) throws {
        try self.init(document: TOMLDocument(contentsOfFile: path))
    }

    /// Checks the space declared in a parsed document.
    public init(document: TOMLDocument) throws {
        var reader = ChainSpaceReader(document: document)
        try reader.read()
        name = reader.name
        file = document.file
        description = reader.description
        head = reader.head
        layers = reader.layers
        parameters = reader.parameters
        trainParameters = reader.trainParameters
    }

    /// The parameter called `name`, if any.
    public func parameter(named name: String) -> ChainParameter? {
        parameters.first { $0.name == name }
    }

    /// Parameters a sampler has to choose (fixed values and one-value domains left out).
    public var searchableParameters: [ChainParameter] { parameters.filter(\.isSearchable) }

    /// A random point: every active parameter drawn from its domain (log-uniformly for log
    /// ranges); parameters of repetitions beyond the drawn depth are left out.
    public func sample(using generator: inout some RandomNumberGenerator) -> [String: ChainValue] {
        var out: [String: ChainValue] = [:]
        for p in parameters where p.isActive(in: out) {
            out[p.name] = p.sample(using: &generator)
        }
        return out
    }

    /// Throws a `ChainAssignmentError` naming the parameter and its accepted domain when
    /// `assignment` has an unknown name, misses an active parameter, or has a value outside
    /// its domain. Fixed parameters and inactive ones may be omitted.
    public func validate(_ assignment: [String: ChainValue]) throws {
        _ = try normalized(assignment)
    }

    /// The assignment checked and made canonical: values in their domain's type (ints for int
    /// ranges, doubles for float ranges), fixed values filled in, inactive parameters dropped.
    public func normalized(_ assignment: [String: ChainValue]) throws -> [String: ChainValue] {
        let known = Dictionary(parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for key in assignment.keys.sorted() where known[key] == nil {
            let accepted = parameters.map(\.name).joined(separator: ", ")
            throw ChainAssignmentError(parameter: key,
                message: "unknown parameter '\(key)' for the chain space '\(name)' (\(file)); accepted: \(accepted)")
        }
        var out: [String: ChainValue] = [:]
        for p in parameters {
            let declared = p.line.map { " (declared at \(file):\($0))" } ?? " (declared in \(file))"
            let given = assignment[p.name]
            var value: ChainValue?
            if let given {
                guard let n = p.normalized(given) else {
                    let shown = given.stringValue.map { "'\($0)'" } ?? given.description
                    throw ChainAssignmentError(parameter: p.name,
                        message: "parameter '\(p.name)' = \(shown) is outside its domain: \(p.domainDescription)\(declared)")
                }
                value = n
            }
            guard p.isActive(in: out) else { continue }
            if value == nil, case .fixed(let fixed) = p.domain { value = fixed }
            guard let value else {
                throw ChainAssignmentError(parameter: p.name,
                    message: "missing parameter '\(p.name)': expected \(p.domainDescription)\(declared)")
            }
            out[p.name] = value
        }
        return out
    }

    /// The concrete network and training settings for `assignment` (validated first): each
    /// block stacked as many times as its repeat count says, with defaults for keys the file
    /// leaves out.
    public func resolve(_ assignment: [String: ChainValue]) throws -> ChainArchitecture {
        let values = try normalized(assignment)
        var built: [ChainLayer] = []
        for spec in layers {
            let count = spec.repeatParameter.flatMap { values[$0]?.intValue } ?? 1
            for r in 0..<count {
                func value(_ key: String) -> ChainValue? {
                    guard let names = spec.fieldParameters[key] else { return nil }
                    return values[names.count == 1 ? names[0] : names[r]]
                }
                let activation = value("activation")?.stringValue.flatMap(ChainActivation.init(rawValue:)) ?? .relu
                let dropout = value("dropout")?.doubleValue ?? 0
                let layerName = count > 1 || spec.maxRepeat > 1 ? "\(spec.name)[\(r)]" : spec.name
                switch spec.kind {
                case .conv:
                    built.append(ChainLayer(
                        name: layerName, kind: .conv, kernel: value("kernel")?.intValue ?? 3,
                        width: value("channels")?.intValue ?? 1, stride: value("stride")?.intValue ?? 1,
                        pool: value("pool")?.stringValue.flatMap(ChainPool.init(rawValue:)) ?? ChainPool.none,
                        norm: value("norm")?.stringValue.flatMap(ChainNorm.init(rawValue:)) ?? ChainNorm.none,
                        activation: activation, dropout: dropout))
                case .linear:
                    built.append(ChainLayer(
                        name: layerName, kind: .linear, kernel: nil, width: value("units")?.intValue ?? 1,
                        activation: activation, dropout: dropout))
                }
            }
        }
        func train(_ key: String) -> ChainValue? { trainParameters[key].flatMap { values[$0] } }
        let settings = ChainTrainSettings(
            learningRate: train("lr")?.doubleValue ?? 1e-3,
            optimizer: train("optimizer")?.stringValue.flatMap(ChainOptimizer.init(rawValue:)) ?? .adam,
            momentum: train("momentum")?.doubleValue,
            weightDecay: train("weight_decay")?.doubleValue,
            batchSize: train("batch_size")?.intValue)
        return ChainArchitecture(space: name, head: head, layers: built, train: settings)
    }
}

/// One `[[layer]]` block of a chain space as declared: its kind, its depth parameter and
/// which parameters hold each of its keys.
public struct ChainLayerSpec: Hashable, Sendable {
    /// The block's name (`conv1`, or `layer0`, `layer1`, ... by default).
    public var name: String
    public var kind: ChainLayerKind
    /// The line of the block's `[[layer]]` header.
    public var line: Int
    /// The `<name>.repeat` parameter, when the file sets `repeat`.
    public var repeatParameter: String?
    /// The largest depth the block can have.
    public var maxRepeat: Int
    /// Whether each repetition has its own parameters.
    public var independent: Bool
    /// Key (`kernel`, `units`, ...) → parameter names: one when shared by all repetitions,
    /// else one per repetition.
    public var fieldParameters: [String: [String]]
}
