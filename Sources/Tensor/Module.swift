/// A network component with trainable parameters, non-trainable buffers (batch-norm running
/// statistics) and child modules, as PyTorch's `nn.Module`.
open class Module {
    /// Training or evaluation mode (batch norm and dropout behave differently); see `train(_:)`.
    public private(set) var isTraining = true

    public init() {}

    /// Parameters owned directly by this module (not its children); by default those of
    /// `namedOwnParameters`.
    open var ownParameters: [Tensor] { namedOwnParameters.map(\.tensor) }
    /// Buffers owned directly by this module; by default those of `namedOwnBuffers`.
    open var ownBuffers: [Tensor] { namedOwnBuffers.map(\.tensor) }
    /// Child modules, in a stable order; by default those of `namedChildren`.
    open var children: [Module] { namedChildren.map(\.module) }

    /// Own parameters with their PyTorch attribute names (`weight`, `bias`). A module that
    /// overrides only `ownParameters` gets positional names ("0", "1", ...) in `namedParameters()`.
    open var namedOwnParameters: [(name: String, tensor: Tensor)] { [] }
    /// Own buffers with their PyTorch names (`running_mean`, `running_var`).
    open var namedOwnBuffers: [(name: String, tensor: Tensor)] { [] }
    /// Child modules with the names PyTorch's module tree gives them (an attribute name, the
    /// index in an `nn.Sequential`/`nn.ModuleList`, or a dotted path such as `op.1` for a child
    /// held inside a container the Swift module does not model). A module that overrides only
    /// `children` gets positional names ("0", "1", ...) in `namedModules()`.
    open var namedChildren: [(name: String, module: Module)] { [] }

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

    /// This module ("") and every descendant with its dotted path (`cells.3._ops.1`), parents
    /// before children, in `children` order.
    public final func namedModules() -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [("", self)]
        for (name, child) in Self.labelled(namedChildren, children) {
            result += child.namedModules().map { (join(name, $0.name), $0.module) }
        }
        return result
    }

    /// Every parameter with its state-dict key (`cells.3._ops.1.op.2.weight`), in `parameters` order.
    public final func namedParameters() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, module in
            Self.labelled(module.namedOwnParameters, module.ownParameters).map { (join(path, $0.0), $0.1) }
        }
    }

    /// Every buffer with its state-dict key (`stem.1.running_mean`), in `buffers` order.
    public final func namedBuffers() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, module in
            Self.labelled(module.namedOwnBuffers, module.ownBuffers).map { (join(path, $0.0), $0.1) }
        }
    }

    /// `items` with their names in `named`; an item `named` does not list is named by its position.
    private static func labelled<T: AnyObject>(_ named: [(name: String, T)], _ items: [T]) -> [(String, T)] {
        if named.count == items.count && zip(named, items).allSatisfy({ $0.1 === $1 }) { return named.map { ($0.name, $0.1) } }
        let names = Dictionary(named.map { (ObjectIdentifier($0.1), $0.name) }, uniquingKeysWith: { first, _ in first })
        return items.enumerated().map { (names[ObjectIdentifier($0.element)] ?? String($0.offset), $0.element) }
    }
}

private func join(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : name.isEmpty ? prefix : prefix + "." + name
}
