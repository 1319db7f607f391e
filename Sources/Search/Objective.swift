import Foundation
import NAS

/// What evaluating one architecture gave. Accuracies and fitness are fractions in [0, 1].
public struct Evaluation: Equatable, Sendable {
    /// Validation accuracy.
    public var accuracy: Double
    /// The value the search maximises: the accuracy, or a latency-penalised accuracy.
    public var fitness: Double
    public var latencyMs: Double?
    public var parameters: Int?
    public var flops: Int?

    public init(accuracy: Double, fitness: Double? = nil, latencyMs: Double? = nil, parameters: Int? = nil, flops: Int? = nil) {
        self.accuracy = accuracy
        self.fitness = fitness ?? accuracy
        self.latencyMs = latencyMs
        self.parameters = parameters
        self.flops = flops
    }
}

/// Something that scores architectures without the engine's training loop (a tabular
/// benchmark lookup, a toy function in tests).
public protocol Objective {
    /// The evaluation of `genotype`; throws when it cannot be scored.
    func evaluate(_ genotype: Genotype) throws -> Evaluation
}

extension Trial {
    /// Marks the trial complete with `evaluation`'s figures (epochs and notes are kept).
    public mutating func complete(with evaluation: Evaluation) {
        status = .complete
        accuracy = evaluation.accuracy
        fitness = evaluation.fitness
        latencyMs = evaluation.latencyMs
        parameters = evaluation.parameters
        flops = evaluation.flops
    }
}

/// Accuracy under a latency budget (the seed's penalty): fitness is the accuracy when the
/// latency is within the target, else accuracy / (latency / target)^exponent. An unknown
/// latency is not penalised.
public struct HardwareAwareObjective: Equatable, Sendable {
    /// The latency budget in milliseconds (> 0).
    public let targetMs: Double
    /// How steeply exceeding the target costs (1.5 by default).
    public let exponent: Double

    /// Throws unless `targetMs` is a positive number and `exponent` a finite non-negative one.
    public init(targetMs: Double, exponent: Double = 1.5) throws {
        guard targetMs > 0, targetMs.isFinite else {
            throw SearchError("latency target must be a positive number of milliseconds; got \(targetMs)")
        }
        guard exponent >= 0, exponent.isFinite else {
            throw SearchError("latency penalty exponent must be a non-negative number; got \(exponent)")
        }
        self.targetMs = targetMs
        self.exponent = exponent
    }

    /// The penalised fitness of `accuracy` at `latencyMs`.
    public func fitness(accuracy: Double, latencyMs: Double?) -> Double {
        guard let latencyMs, latencyMs > targetMs else { return accuracy }
        return accuracy / pow(latencyMs / targetMs, exponent)
    }

    /// `evaluation` with its fitness recomputed from its accuracy and latency.
    public func apply(to evaluation: Evaluation) -> Evaluation {
        var out = evaluation
        out.fitness = fitness(accuracy: evaluation.accuracy, latencyMs: evaluation.latencyMs)
        return out
    }
}
