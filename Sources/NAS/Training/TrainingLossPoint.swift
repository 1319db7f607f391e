/// One point of a sub-epoch training-loss curve: `epoch` is fractional (1.5 = half-way through
/// the second epoch), `loss` the mean training loss of the batches since the previous point.
public struct TrainingLossPoint: Codable, Sendable, Equatable {
    public var epoch: Double
    public var loss: Double
    public init(epoch: Double, loss: Double) { self.epoch = epoch; self.loss = loss }
}
