import Tensor

/// The network of a resolved chain-space point: conv layers (same padding, optional batch
/// norm, activation, optional 2x2 pooling and dropout), then global average pooling or
/// flattening, then linear layers, then a linear classifier.
public final class ChainNetwork: Module {
    let body: Sequential

    public init(architecture: ChainArchitecture, inputShape: [Int], classes: Int, generator: inout SeededGenerator) throws {
        var layers: [Module] = []
        var (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        var features: Int? = nil // set once the layers are flat
        for layer in architecture.layers {
            switch layer.kind {
            case .conv:
                guard features == nil else {
                    throw NASError("chain layer '\(layer.name)': a conv layer after a linear layer; conv layers come first")
                }
                height = (height - 1) / layer.stride + 1
                width = (width - 1) / layer.stride + 1
                if layer.pool != .none {
                    guard height >= 2, width >= 2 else {
                        throw NASError("chain layer '\(layer.name)': pooling a \(height)x\(width) feature map; the input is too small for this many pooled layers")
                    }
                    height /= 2; width /= 2
                }
                layers += Self.convModules(layer, inChannels: channels, generator: &generator)
                channels = layer.width
            case .linear:
                if features == nil {
                    features = try Self.flatten(architecture.head, channels, height, width, into: &layers)
                }
                layers.append(Linear(features!, layer.width, generator: &generator))
                layers.append(Self.activation(layer.activation))
                features = layer.width
            }
            if layer.dropout > 0 { layers.append(Dropout(Float(layer.dropout), generator: &generator)) }
        }
        let last = try features ?? Self.flatten(architecture.head, channels, height, width, into: &layers)
        layers.append(Linear(last, classes, generator: &generator))
        body = Sequential(layers)
    }

    /// A conv layer's modules in order: the convolution (same padding; a bias unless batch norm
    /// follows), batch norm if asked, the activation, the 2x2 pooling if any.
    static func convModules(_ layer: ChainLayer, inChannels: Int, generator: inout SeededGenerator) -> [Module] {
        let kernel = layer.kernel ?? 3
        var modules: [Module] = [Conv2d(inChannels, layer.width, kernel: kernel, stride: layer.stride, padding: kernel / 2,
                                        bias: layer.norm == .none, generator: &generator)]
        if layer.norm == .batch { modules.append(BatchNorm(layer.width)) }
        modules.append(activation(layer.activation))
        if layer.pool != .none { modules.append(Pool2d(layer.pool == .max ? .max : .average, kernel: 2)) }
        return modules
    }

    static func activation(_ kind: ChainActivation) -> Activation {
        Activation(Activation.Kind(rawValue: kind.rawValue) ?? .relu)
    }

    /// Appends the step from feature maps to vectors; returns the vector length.
    private static func flatten(_ head: ChainHead, _ c: Int, _ h: Int, _ w: Int, into layers: inout [Module]) throws -> Int {
        switch head {
        case .avgpool:
            layers.append(GlobalAvgPool())
            return c
        case .flatten:
            layers.append(Flatten())
            return c * h * w
        }
    }

    public override var namedChildren: [(name: String, module: Module)] { [("body", body)] }
    public override func forward(_ x: Tensor) throws -> Tensor { try body(x) }
}

/// An error in a search space, genotype or network description, with its message.
public struct NASError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
