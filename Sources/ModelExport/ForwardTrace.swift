import Tensor

/// The operations of one forward pass in the order they ran, recorded through the tensor
/// core's `OperationObserver`. The trace holds every tensor it saw, so their identities stay
/// unique while it lives.
final class ForwardTrace: OperationObserver {
    private(set) var steps: [(operation: ObservedOperation, output: Tensor)] = []

    func observe(_ operation: ObservedOperation, output: Tensor) { steps.append((operation, output)) }

    /// Runs `model` once on `input` in evaluation mode without gradients (the mode is put back)
    /// and returns the trace with the result.
    static func record(_ model: Module, input: Tensor) throws -> (trace: ForwardTrace, output: Tensor) {
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        let trace = ForwardTrace()
        let output = try OperationObservation.observing(trace) { try GradMode.withoutGrad { try model(input) } }
        return (trace, output)
    }
}
