/// A network component with trainable parameters, non-trainable buffers (batch-norm running
/// statistics) and child modules, as PyTorch's `nn.Module`.
open class Module {
    /// Training or evaluation mode (batch norm and dropout behave differently); see `train(_:)`.
    public private(set) var isTraining = true

    public init() {}

    /// Parameters owned directly by this module (not its children).
    open var ownParameters: [Tensor] { [] }
    /// Buffers owned directly by this module.
    open var ownBuffers: [Tensor] { [] }
    /// Child modules, in a stable order.
    open var children: [Module] { [] }

    /// The single-input forward pass; modules with several inputs offer their own methods.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError("\(type(of: self)) has no single-input forward pass")
    }

    public final func callAsFunction(_ x: Tensor) throws -> Tensor { try forward(x) }

    /// Every trainable parameter of this module and its descendants.
    public final var parameters: [Tensor] { ownParameters + children.flatMap { $0.parameters } }
    /// Every buffer of this module and its descendants.
    public final var buffers: [Tensor] { ownBuffers + children.flatMap { $0.buffers } }
    /// The number of trainable scalars.
    public final var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Switches this module and its descendants between training and evaluation.
    public final func train(_ on: Bool = true) {
        isTraining = on
        for child in children { child.train(on) }
    }

    /// Drops accumulated gradients of every parameter.
    public final func zeroGrad() { for p in parameters { p.grad = nil } }
}
