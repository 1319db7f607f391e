import Foundation
import NAS
import Tensor

/// What a saved model's network is, besides its genotype: the space and its size, the input
/// shape and classes, and for chain spaces the resolved layers (so the space's TOML file is not
/// needed to rebuild it). Stored in metrics.json under `network`.
public struct SavedNetwork: Codable, Equatable, Sendable {
    /// darts, nb201 or chain.
    public var space: String
    /// darts: the initial channels C; nb201: C.
    public var channels: Int?
    /// darts: the cells L; nb201: cells per stage N.
    public var layers: Int?
    /// [C, H, W] of one image.
    public var inputShape: [Int]
    public var classes: Int
    /// chain: the layers and head the genotype resolved to in its space.
    public var chain: ChainArchitecture?

    enum CodingKeys: String, CodingKey {
        case space, channels, layers, inputShape = "input_shape", classes, chain
    }

    /// The description of `genotype`'s network in `space` for `inputShape` and `classes`.
    public init(space: SearchSpace, genotype: Genotype, inputShape: [Int], classes: Int) throws {
        self.space = space.name
        self.inputShape = inputShape
        self.classes = classes
        switch (space, genotype) {
        case let (.darts(c, l), .darts):
            channels = c; layers = l
        case let (.nb201(c, n), .nb201):
            channels = c; layers = n
        case let (.chain(chainSpace), .chain(values)):
            chain = try chainSpace.resolve(values)
        default:
            throw SavedModelError("a \(genotype.spaceName) genotype in the \(space.name) space")
        }
    }

    /// Builds the network (fresh weights from `generator`) for `genotype`, checking the two agree.
    public func build(_ genotype: Genotype, generator: inout SeededGenerator) throws -> Module {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }), classes >= 1 else {
            throw SavedModelError("network: input shape \(inputShape) and \(classes) classes; accepted: [C, H, W] with positive sizes and 1 or more classes")
        }
        guard genotype.spaceName == space else {
            throw SavedModelError("genotype.json holds a \(genotype.spaceName) genotype but metrics.json describes a \(space) network")
        }
        switch genotype {
        case .darts(let g):
            let (c, l) = try sizes()
            return DartsNetwork(genotype: g, channels: c, layers: l, classes: classes, inputChannels: inputShape[0], generator: &generator)
        case .nb201(let a):
            let (c, n) = try sizes()
            return NB201Network(architecture: a, channels: c, cellsPerStage: n, classes: classes, inputChannels: inputShape[0], generator: &generator)
        case .chain:
            guard let chain else { throw SavedModelError("network: a chain network needs its \"chain\" layers") }
            return try ChainNetwork(architecture: chain, inputShape: inputShape, classes: classes, generator: &generator)
        }
    }

    private func sizes() throws -> (Int, Int) {
        guard let channels, let layers, channels >= 2, channels % 2 == 0, layers >= 1 else {
            throw SavedModelError("network: \(space) needs \"channels\" (even, 2 or more) and \"layers\" (1 or more)")
        }
        return (channels, layers)
    }

    /// `1x28x28`.
    public var shapeDescription: String { inputShape.map(String.init).joined(separator: "x") }
}
