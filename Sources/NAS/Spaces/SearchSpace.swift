import Config
import Foundation
import Tensor

/// A search space: what can be sampled and mutated, how a text names an architecture, and how a
/// genotype becomes a network for a given input.
public enum SearchSpace: Sendable {
    /// DARTS cells in a network of `channels` initial channels and `layers` cells.
    case darts(channels: Int, layers: Int)
    /// NAS-Bench-201 cells in the C=`channels`, N=`cellsPerStage` macro network.
    case nb201(channels: Int, cellsPerStage: Int)
    /// A layer-wise space declared in a TOML file.
    case chain(ChainSpace)

    /// The names the command line accepts.
    public static let names = SpaceName.allCases.map(\.rawValue)

    /// The space's name.
    public var name: String {
        switch self {
        case .darts: return "darts"
        case .nb201: return "nb201"
        case .chain: return "chain"
        }
    }

    /// The space called `name`, sized for darts and nb201; `chain` needs its TOML file.
    public static func named(_ name: SpaceName, channels: Int? = nil, layers: Int? = nil, chainFile: String? = nil) throws -> SearchSpace {
        switch name {
        case .darts: return .darts(channels: channels ?? 16, layers: layers ?? 5)
        case .nb201: return .nb201(channels: channels ?? 16, cellsPerStage: layers ?? 5)
        case .chain:
            guard let chainFile else {
                throw NASError("space 'chain' is declared in a TOML file; pass --config FILE.toml (see demo/chain_convnet.toml)")
            }
            return .chain(try ChainSpace(contentsOfFile: chainFile))
        }
    }

    /// A uniformly random architecture of the space.
    public func sample(using generator: inout SeededGenerator) -> Genotype {
        switch self {
        case .darts: return .darts(DartsGenotype.random(using: &generator))
        case .nb201: return .nb201(NB201Architecture.random(using: &generator))
        case .chain(let space): return .chain(space.sample(using: &generator))
        }
    }

    /// Parses an architecture text (JSON, DARTS string or NB201 string) and checks it belongs here.
    public func parse(_ text: String) throws -> Genotype {
        let genotype = try Genotype.parse(text)
        guard genotype.spaceName == name else {
            throw NASError("architecture '\(text.prefix(60))' is a \(genotype.spaceName) genotype; the space is \(name)")
        }
        if case .chain(let values) = genotype, case .chain(let space) = self { try space.validate(values) }
        return genotype
    }

    /// Builds the network of `genotype` for inputs of shape `inputShape` ([C, H, W]) and `classes`
    /// classes; `auxiliaryHead`: with DARTS's training-only auxiliary head (darts only).
    public func build(_ genotype: Genotype, inputShape: [Int], classes: Int, generator: inout SeededGenerator,
                      auxiliaryHead: Bool = false) throws -> Module {
        if auxiliaryHead, spaceName != .darts {
            throw NASError("the auxiliary head: \(name) networks have none; accepted with the darts space")
        }
        switch (self, genotype) {
        case let (.darts(channels, layers), .darts(g)):
            return DartsNetwork(genotype: g, channels: channels, layers: layers, classes: classes,
                                inputChannels: inputShape[0], generator: &generator,
                                auxiliaryHeadFor: auxiliaryHead ? Array(inputShape.dropFirst()) : nil)
        case let (.nb201(channels, cells), .nb201(a)):
            return NB201Network(architecture: a, channels: channels, cellsPerStage: cells, classes: classes,
                                inputChannels: inputShape[0], generator: &generator)
        case let (.chain(space), .chain(values)):
            return try ChainNetwork(architecture: space.resolve(values), inputShape: inputShape, classes: classes, generator: &generator)
        default:
            throw NASError("a \(genotype.spaceName) genotype cannot be built in the \(name) space")
        }
    }

    /// The space's name as the command line and configs give it.
    public var spaceName: SpaceName {
        switch self {
        case .darts: return .darts
        case .nb201: return .nb201
        case .chain: return .chain
        }
    }

    /// Training settings a chain architecture carries (learning rate, optimizer); nil elsewhere.
    public func trainingOverrides(_ genotype: Genotype) throws -> ChainTrainSettings? {
        guard case .chain(let space) = self, case .chain(let values) = genotype else { return nil }
        return try space.resolve(values).train
    }
}
