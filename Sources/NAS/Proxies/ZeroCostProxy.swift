import Tensor

/// A zero-cost proxy: a score of an untrained network, computed from one forward and backward
/// pass, that ranks architectures roughly as their trained accuracy does (Abdelfattah et al.
/// 2021, "Zero-Cost Proxies for Lightweight NAS"). Higher is better for every proxy here.
///
/// Each follows the published implementation (zero-cost-nas, NASWOT):
/// - `synflow` (Tanaka et al. 2020): batch norm bypassed, every parameter replaced by its
///   absolute value, an all-ones input of one image, R = Σ outputs; the score is
///   Σ |θ ⊙ ∂R/∂θ| over the weights of every convolution and linear layer. Needs no data.
/// - `snip` (Lee et al. 2019): Σ |θ ⊙ ∂L/∂θ| over the same weights, L the cross-entropy of one
///   mini-batch, in training mode.
/// - `grad_norm`: Σ over the same layers of ‖∂L/∂W‖₂, in training mode.
/// - `naswot` (Mellor et al. 2021): log |det K| of the kernel of binary ReLU codes of one
///   mini-batch (K[i, j] = units minus the Hamming distance of the codes of images i and j), in
///   training mode (batch statistics), without gradients.
///
/// Scoring leaves the model as it was: weights, gradients, running statistics and mode.
public enum ZeroCostProxy: String, CaseIterable, Sendable {
    case synflow
    case snip
    case gradNorm = "grad_norm"
    case naswot

    /// The names the command line accepts.
    public static let names = allCases.map(\.rawValue)

    /// The proxy called `name` (as the command line spells it); the error lists the accepted names.
    public init(name: String) throws {
        guard let proxy = ZeroCostProxy(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ProxyError("unknown proxy '\(name)'; accepted: \(ZeroCostProxy.names.joined(separator: ", "))")
        }
        self = proxy
    }

    /// The name as the command line and JSON spell it.
    public var name: String { rawValue }

    /// Whether the proxy needs a mini-batch of images (all but synflow do).
    public var needsBatch: Bool { self != .synflow }

    /// Scores `model`, built for inputs of shape `inputShape` ([C, H, W]). `batch` is the
    /// mini-batch snip, grad_norm and naswot run on (ignored by synflow); its images must have
    /// shape `inputShape`.
    public func score(model: Module, inputShape: [Int], batch: ProxyBatch? = nil) throws -> Double {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ProxyError("\(name): input shape \(inputShape); accepted: [C, H, W] with positive sizes")
        }
        if self == .synflow { return try Synflow.score(model: model, inputShape: inputShape) }
        guard let batch else {
            throw ProxyError("\(name) needs a mini-batch of images (one batch of a data set, or synthetic images)")
        }
        guard batch.imageShape == inputShape else {
            throw ProxyError("\(name): batch images are \(batch.imageShape), the network is built for \(inputShape)")
        }
        switch self {
        case .synflow: fatalError("handled above")
        case .snip: return try GradientProxies.snip(model: model, batch: batch)
        case .gradNorm: return try GradientProxies.gradNorm(model: model, batch: batch)
        case .naswot: return try Naswot.score(model: model, batch: batch)
        }
    }
}

/// A proxy that cannot run on the model, shape or batch it was given, with the reason.
public struct ProxyError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ZeroCostProxy {
    /// ln(synflow) of `model` (-infinity for a score of 0): the same ranking as `synflow`,
    /// finite for networks whose score exceeds double precision.
    public static func logSynflow(model: Module, inputShape: [Int]) throws -> Double {
        try Synflow.logScore(model: model, inputShape: inputShape)
    }

    /// Several proxies of one model; snip and grad_norm share one backward pass.
    public static func scores(_ proxies: [ZeroCostProxy], model: Module, inputShape: [Int],
                              batch: ProxyBatch? = nil) throws -> [ZeroCostProxy: Double] {
        var result: [ZeroCostProxy: Double] = [:]
        if proxies.contains(.snip) && proxies.contains(.gradNorm), let batch, batch.imageShape == inputShape {
            let both = try GradientProxies.snipAndGradNorm(model: model, batch: batch)
            result[.snip] = both.snip
            result[.gradNorm] = both.gradNorm
        }
        for proxy in proxies where result[proxy] == nil {
            result[proxy] = try proxy.score(model: model, inputShape: inputShape, batch: batch)
        }
        return result
    }
}
