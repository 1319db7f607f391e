import CBLAS
import Foundation

/// An error raised by a tensor operation for a shape or argument it cannot accept.
/// The description names the operation, the shapes it got and what it accepts.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Contiguous Float32 memory shared by a tensor and its reshaped views.
public final class TensorStorage {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    init(count: Int, zeroed: Bool) {
        _ = TensorStorage.keepFreedMemory
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit { pointer.deallocate() }

    /// Training frees and reallocates the same large buffers every step; keeping freed memory
    /// in the heap (instead of unmapping it) spares the page faults of fresh mappings.
    private static let keepFreedMemory: Void = {
        #if os(Linux)
        mallopt(M_MMAP_THRESHOLD, 512 << 20)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }()
}

/// A dense Float32 tensor (row-major; images are NCHW) with reverse-mode autograd.
///
/// Tensors have reference semantics, like PyTorch's: an optimizer updates a parameter in place.
/// An operation on tensors that require gradients records how to send gradients back;
/// `backward()` on a scalar result fills `grad` of every leaf that requires it.
public final class Tensor {
    public let shape: [Int]
    public let count: Int
    public let storage: TensorStorage
    /// Leaf tensors with `requiresGrad` receive gradients in `grad`; results inherit the flag.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf tensor (same shape), or nil before any backward pass.
    public var grad: Tensor?
    /// How to send this tensor's gradient to its inputs; nil for leaves and results of no-grad code.
    var gradFn: GradFn?

    /// A tensor of the given shape whose contents are not initialised (every element is written next).
    public init(uninitialized shape: [Int]) {
        self.shape = shape
        count = shape.reduce(1, *)
        storage = TensorStorage(count: count, zeroed: false)
        requiresGrad = false
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.shape = shape
        count = shape.reduce(1, *)
        storage = TensorStorage(count: count, zeroed: true)
        self.requiresGrad = requiresGrad
    }

    /// A tensor filled with one value.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(uninitialized: shape)
        data.update(repeating: value, count: count)
        self.requiresGrad = requiresGrad
    }

    /// A tensor holding `scalars` in row-major order; the count must match the shape.
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) throws {
        let expected = shape.reduce(1, *)
        guard expected == scalars.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("Tensor(shape: \(shape)): \(scalars.count) scalars given, the shape holds \(expected)")
        }
        self.init(uninitialized: shape)
        scalars.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
        self.requiresGrad = requiresGrad
    }

    /// A scalar tensor (shape []).
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init(repeating: scalar, shape: [], requiresGrad: requiresGrad)
    }

    /// A new tensor sharing `storage` under another shape with the same element count.
    init(sharing storage: TensorStorage, shape: [Int]) {
        self.shape = shape
        count = shape.reduce(1, *)
        self.storage = storage
        requiresGrad = false
    }

    /// The first element's address; elements are contiguous.
    @inline(__always) public var data: UnsafeMutablePointer<Float> { storage.pointer }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// A copy of the elements, for tests and reporting.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The only element of a one-element tensor.
    public var item: Float { data[0] }

    /// A copy with its own storage, detached from the graph.
    public func copy() -> Tensor {
        let out = Tensor(uninitialized: shape)
        out.data.update(from: data, count: count)
        return out
    }

    /// The same elements, detached from the graph (shares storage).
    public func detached() -> Tensor { Tensor(sharing: storage, shape: shape) }

    /// Overwrites the elements with those of `other` (same count).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Sets every element to zero.
    public func zero() { data.update(repeating: 0, count: count) }

    /// Drops the accumulated gradient.
    public func zeroGrad() { grad?.zero() }

    /// Size of dimension `i`, counting negative indices from the end.
    public func size(_ i: Int) -> Int { shape[i < 0 ? shape.count + i : i] }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

/// Names a shape for messages: `[64, 1, 28, 28]`.
@inline(__always) func describe(_ shape: [Int]) -> String { "\(shape)" }
