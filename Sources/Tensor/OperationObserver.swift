import Foundation

/// One forward operation as an `OperationObserver` sees it: what ran, on which tensors (inputs,
/// parameters and buffers by identity) and with which attributes. Exporters turn a trace of
/// these into a graph; the NASWOT proxy reads the ReLU outputs.
public enum ObservedOperation {
    case conv2d(input: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, dilation: Int, groups: Int)
    case batchNorm(input: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
                   epsilon: Float, training: Bool)
    case linear(input: Tensor, weight: Tensor, bias: Tensor?)
    case matmul(Tensor, Tensor)
    case relu(Tensor)
    case gelu(Tensor)
    case silu(Tensor)
    /// `a + b` and `sum([...])`: the element-wise sum of tensors of one shape.
    case add([Tensor])
    case subtract(Tensor, Tensor)
    case multiply(Tensor, Tensor)
    /// Every element times a constant (the `none` operation scales by zero).
    case scale(Tensor, factor: Float)
    /// Dropout while training (in evaluation it returns its input and is not reported).
    case dropout(Tensor, p: Float)
    /// Drop path while training: whole samples zeroed with probability `p`, the rest scaled by 1/(1-p).
    case dropPath(Tensor, p: Float)
    /// `shape` is the result's shape (any -1 resolved).
    case reshape(Tensor, shape: [Int])
    case sliceChannels(Tensor, range: Range<Int>)
    /// x[:, :, offset::stride, offset::stride].
    case stridedSpatialSlice(Tensor, offset: Int, stride: Int)
    case concatChannels([Tensor])
    case maxPool2d(Tensor, kernel: Int, stride: Int, padding: Int)
    /// Padding is excluded from each window's count.
    case avgPool2d(Tensor, kernel: Int, stride: Int, padding: Int)
    /// [N, C, H, W] → [N, C].
    case globalAvgPool(Tensor)
    /// Along the last dimension.
    case softmax(Tensor)
    case logSoftmax(Tensor)
    case crossEntropy(Tensor, labels: [Int])
    case sumAll(Tensor)
    case meanAll(Tensor)
    /// Σᵢ weights[row, i] · inputs[i] over the non-nil inputs.
    case weightedSum([Tensor?], weights: Tensor, row: Int)

    /// The operation's name, for messages.
    public var name: String {
        switch self {
        case .conv2d: return "conv2d"
        case .batchNorm: return "batchNorm"
        case .linear: return "linear"
        case .matmul: return "matmul"
        case .relu: return "relu"
        case .gelu: return "gelu"
        case .silu: return "silu"
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .scale: return "scale"
        case .dropout: return "dropout"
        case .dropPath: return "dropPath"
        case .reshape: return "reshape"
        case .sliceChannels: return "sliceChannels"
        case .stridedSpatialSlice: return "stridedSpatialSlice"
        case .concatChannels: return "concatChannels"
        case .maxPool2d: return "maxPool2d"
        case .avgPool2d: return "avgPool2d"
        case .globalAvgPool: return "globalAvgPool"
        case .softmax: return "softmax"
        case .logSoftmax: return "logSoftmax"
        case .crossEntropy: return "crossEntropy"
        case .sumAll: return "sum"
        case .meanAll: return "mean"
        case .weightedSum: return "weightedSum"
        }
    }

    /// Every tensor the operation read (data inputs, then parameters and buffers).
    public var inputs: [Tensor] {
        switch self {
        case let .conv2d(x, w, b, _, _, _, _): return [x, w] + (b.map { [$0] } ?? [])
        case let .batchNorm(x, w, b, m, v, _, _): return [x] + [w, b].compactMap { $0 } + [m, v]
        case let .linear(x, w, b): return [x, w] + (b.map { [$0] } ?? [])
        case let .matmul(a, b), let .subtract(a, b), let .multiply(a, b): return [a, b]
        case let .relu(x), let .gelu(x), let .silu(x), let .scale(x, _), let .dropout(x, _), let .dropPath(x, _), let .reshape(x, _),
             let .sliceChannels(x, _), let .stridedSpatialSlice(x, _, _), let .maxPool2d(x, _, _, _),
             let .avgPool2d(x, _, _, _), let .globalAvgPool(x), let .softmax(x), let .logSoftmax(x),
             let .crossEntropy(x, _), let .sumAll(x), let .meanAll(x):
            return [x]
        case let .add(xs), let .concatChannels(xs): return xs
        case let .weightedSum(xs, w, _): return [w] + xs.compactMap { $0 }
        }
    }
}

/// Receives every forward operation run on its thread while it is installed with
/// `OperationObservation.observing(_:_:)`. Called after the operation, with its result.
public protocol OperationObserver: AnyObject {
    func observe(_ operation: ObservedOperation, output: Tensor)
}

/// The thread-local slot operations report to. With no observer installed an operation pays
/// one thread-local read; fused kernels that skip an intermediate result (`reluConv2d`) take
/// their unfused path while an observer is installed, so it sees every step.
public enum OperationObservation {
    private final class Box {
        let observer: OperationObserver
        init(_ observer: OperationObserver) { self.observer = observer }
    }
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` with `observer` receiving this thread's operations (an observer installed
    /// before is put back afterwards; it sees nothing meanwhile).
    public static func observing<T>(_ observer: OperationObserver, _ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        let retained = Unmanaged.passRetained(Box(observer))
        pthread_setspecific(key, retained.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            retained.release()
        }
        return try body()
    }

    /// Whether an observer is installed on this thread.
    @inline(__always) public static var isActive: Bool { pthread_getspecific(key) != nil }

    /// Sends an operation and its result to this thread's observer, if any; `operation` is only
    /// built when one is installed. The observer runs with no observer installed, so operations
    /// it runs itself are not reported back to it.
    @inline(__always) static func report(_ operation: @autoclosure () -> ObservedOperation, _ output: Tensor) {
        guard let raw = pthread_getspecific(key) else { return }
        deliver(operation(), output, raw)
    }

    private static func deliver(_ operation: ObservedOperation, _ output: Tensor, _ raw: UnsafeMutableRawPointer) {
        pthread_setspecific(key, nil)
        defer { pthread_setspecific(key, raw) }
        Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().observer.observe(operation, output: output)
    }
}
