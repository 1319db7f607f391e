import Foundation

/// Sends the gradient of one result to its inputs. `gradOut` has the result's element count;
/// the closure adds into the buffers `tape.gradient(for:)` hands out (nil: input needs no gradient),
/// or stores into those `tape.gradientToWrite(for:)` hands out fresh.
typealias BackwardFunction = (_ gradOut: UnsafeMutablePointer<Float>, _ tape: GradientTape) -> Void

/// A recorded operation: its inputs and how to push a gradient to them.
final class GradFn {
    let inputs: [Tensor]
    let backward: BackwardFunction
    init(inputs: [Tensor], backward: @escaping BackwardFunction) {
        self.inputs = inputs
        self.backward = backward
    }
}

/// Gradient buffers of one backward pass: leaves accumulate into `grad`, intermediate results
/// into buffers that are freed as soon as their operation has been walked.
public final class GradientTape {
    private var buffers: [ObjectIdentifier: Tensor] = [:]

    /// The zero-initialised (on first request) gradient buffer of `tensor`, or nil when it needs none.
    func gradient(for tensor: Tensor) -> UnsafeMutablePointer<Float>? {
        guard tensor.requiresGrad else { return nil }
        if tensor.gradFn == nil {
            if tensor.grad == nil { tensor.grad = Tensor(zeros: tensor.shape) }
            return tensor.grad!.data
        }
        let key = ObjectIdentifier(tensor)
        if let buffer = buffers[key] { return buffer.data }
        let buffer = Tensor(zeros: tensor.shape)
        buffers[key] = buffer
        return buffer.data
    }

    /// The gradient buffer of `tensor` for an operation that writes every element of it, or nil
    /// when it needs none. `fresh`: nothing has reached the buffer yet and its contents are
    /// undefined, so the operation stores its gradient; otherwise it adds, as into `gradient(for:)`.
    /// (Storing into a fresh buffer saves zeroing it and reading it back.)
    func gradientToWrite(for tensor: Tensor) -> (buffer: UnsafeMutablePointer<Float>, fresh: Bool)? {
        guard tensor.requiresGrad else { return nil }
        if tensor.gradFn == nil {
            if let grad = tensor.grad { return (grad.data, false) }
            let grad = Tensor(uninitialized: tensor.shape)
            tensor.grad = grad
            return (grad.data, true)
        }
        let key = ObjectIdentifier(tensor)
        if let buffer = buffers[key] { return (buffer.data, false) }
        let buffer = Tensor(uninitialized: tensor.shape)
        buffers[key] = buffer
        return (buffer.data, true)
    }

    fileprivate func take(_ tensor: Tensor) -> Tensor? {
        buffers.removeValue(forKey: ObjectIdentifier(tensor))
    }
}

extension Tensor {
    /// Records `backward` for this freshly computed result of `inputs` when gradients are on
    /// and any input requires one. Returns self for chaining.
    @discardableResult
    func recording(_ inputs: [Tensor], _ backward: @escaping BackwardFunction) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        gradFn = GradFn(inputs: inputs, backward: backward)
        return self
    }

    /// Back-propagates from this one-element result: every leaf that requires a gradient gets
    /// d(self)/d(leaf) added to its `grad`. The recorded graph is released afterwards.
    public func backward() throws {
        guard count == 1 else {
            throw TensorError("backward(): needs a one-element result, got shape \(shape); reduce it with sum() or mean() first")
        }
        guard requiresGrad else {
            throw TensorError("backward(): this result does not depend on any tensor that requires a gradient")
        }
        let order = topologicalOrder()
        let tape = GradientTape()
        let seed = Tensor(repeating: 1, shape: shape)
        for node in order.reversed() {
            guard let fn = node.gradFn else { continue }
            let gradOut = node === self ? seed : tape.take(node)
            if let gradOut { fn.backward(gradOut.data, tape) }
        }
        if gradFn == nil { // a leaf called backward on itself
            if grad == nil { grad = Tensor(zeros: shape) }
            grad!.data[0] += 1
        }
        for node in order { node.gradFn = nil }
    }

    /// Results reachable from self, every node after all of its inputs.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.gradFn?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}

/// Whether operations on this thread record gradients. Evaluation runs inside `withoutGrad`.
public enum GradMode {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
    private static let disabledMarker = UnsafeMutableRawPointer(bitPattern: 1)!

    /// True unless the current thread is inside `withoutGrad`.
    public static var isEnabled: Bool { pthread_getspecific(key) == nil }

    /// Runs `body` without recording gradients on this thread.
    public static func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, disabledMarker)
        defer { pthread_setspecific(key, previous) }
        return try body()
    }
}
