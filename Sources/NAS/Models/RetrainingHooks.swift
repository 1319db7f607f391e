import Tensor

/// A network with DARTS's drop path on its cell edges; the trainer sets the probability each
/// epoch and seeds the masks. Drop path acts only in training mode.
public protocol DropPathNetwork: Module {
    /// The probability that an edge's output is dropped for a sample (0: off).
    var dropPathProbability: Float { get set }
    /// Restarts the stream the drop-path masks are drawn from.
    func seedDropPath(_ seed: UInt64)
}

/// A network that may carry a training-only auxiliary classifier (DARTS's auxiliary head).
public protocol AuxiliaryHeadNetwork: Module {
    /// The head, nil when the network was built without one.
    var auxiliaryHead: Module? { get }
    /// The auxiliary logits of the last training-mode forward pass (nil in evaluation mode or
    /// without a head), handed over once: the call clears them.
    func takeAuxiliaryLogits() -> Tensor?
}

extension Module {
    /// Trainable parameters of the inference network: without a training-only auxiliary head.
    public var inferenceParameterCount: Int {
        parameterCount - ((self as? AuxiliaryHeadNetwork)?.auxiliaryHead?.parameterCount ?? 0)
    }
}
