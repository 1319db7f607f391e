import Tensor

/// One timed piece of a network's forward pass (batch 1, evaluation mode, no gradients): an
/// operation at the channels and resolution where it occurs. Its `key` names it in the table.
struct LatencyItem: Hashable {
    enum Kind: Hashable {
        /// 3x3 convolution + batch norm (the darts and nb201 stems).
        case stem(outChannels: Int)
        /// A darts edge operation (not `none`) on `channels` channels.
        case dartsOp(DartsOperation, stride: Int)
        /// An nb201 edge operation (not `none`).
        case nb201Op(NB201Operation)
        /// ReLU → k×k convolution → batch norm (darts cell preprocessing: 1x1).
        case reluConvBN(outChannels: Int, kernel: Int)
        /// darts FactorizedReduce to `outChannels`.
        case factorizedReduce(outChannels: Int)
        /// The zero tensor a `none` edge (darts) or an empty node (nb201) produces.
        case zeros(stride: Int)
        /// The sum of `terms` tensors (a cell node).
        case sum(terms: Int)
        /// Concatenation of `parts` tensors of `channels` channels each (a darts cell output).
        case concat(parts: Int)
        /// nb201's residual reduction block to `outChannels`.
        case nb201Residual(outChannels: Int)
        /// Global average pooling + linear classifier (darts); batch norm + ReLU + pooling + classifier (nb201).
        case dartsHead(classes: Int)
        case nb201Head(classes: Int)
        /// A chain conv layer (same padding) with its normalisation, activation and pooling.
        case chainConv(ChainLayer)
        /// Global average pooling or flattening of conv features.
        case chainHead(ChainHead)
        /// A linear layer of `units` units with its activation (nil: the classifier, no activation).
        case chainLinear(units: Int, activation: ChainActivation?)
    }

    let kind: Kind
    /// Shape of the input: channels (features for linear layers), height and width.
    let channels: Int, height: Int, width: Int

    /// The table key, e.g. `darts sep_conv_3x3 s1 16x28x28`.
    var key: String {
        let shape = "\(channels)x\(height)x\(width)"
        switch kind {
        case .stem(let out): return "stem conv3x3+bn \(shape)->\(out)"
        case .dartsOp(let op, let stride): return "darts \(op.rawValue) s\(stride) \(shape)"
        case .nb201Op(let op): return "nb201 \(op.rawValue) \(shape)"
        case .reluConvBN(let out, let k): return "relu_conv_bn \(k)x\(k) \(shape)->\(out)"
        case .factorizedReduce(let out): return "factorized_reduce \(shape)->\(out)"
        case .zeros(let stride): return "zeros s\(stride) \(shape)"
        case .sum(let terms): return "sum \(terms) \(shape)"
        case .concat(let parts): return "concat \(parts) \(shape)"
        case .nb201Residual(let out): return "nb201 residual \(shape)->\(out)"
        case .dartsHead(let classes): return "darts head \(shape)->\(classes)"
        case .nb201Head(let classes): return "nb201 head \(shape)->\(classes)"
        case .chainConv(let layer):
            let k = layer.kernel ?? 3
            return "chain conv\(k)x\(k) s\(layer.stride)\(layer.norm == .batch ? " bn" : "") \(layer.activation.rawValue) pool=\(layer.pool.rawValue) \(shape)->\(layer.width)"
        case .chainHead(let head): return "chain \(head.rawValue) \(shape)"
        case let .chainLinear(units, activation):
            return "chain linear \(activation?.rawValue ?? "none") \(channels)->\(units)"
        }
    }

    /// Builds the operation on random weights and a random input of this shape; returns one
    /// forward call to time (run it in evaluation mode without gradients).
    func makeRunner(generator: inout SeededGenerator) throws -> () throws -> Void {
        let x = randomInput(generator: &generator)
        let c = channels
        func module(_ m: Module) -> () throws -> Void {
            m.train(false)
            return { _ = try m(x) }
        }
        switch kind {
        case .stem(let out):
            return module(Sequential([Conv2d(c, out, kernel: 3, padding: 1, generator: &generator), BatchNorm(out)]))
        case let .dartsOp(op, stride):
            guard let m = op.makeModule(channels: c, stride: stride, affine: true, searchPools: false, generator: &generator) else {
                return makeZerosRunner(x, stride: stride)
            }
            return module(m)
        case .nb201Op(let op):
            switch op {
            case .none: return makeZerosRunner(x, stride: 1)
            case .skipConnect: return module(Identity())
            case .norConv1x1: return module(ReLUConvBN(c, c, kernel: 1, stride: 1, padding: 0, affine: true, generator: &generator))
            case .norConv3x3: return module(ReLUConvBN(c, c, kernel: 3, stride: 1, padding: 1, affine: true, generator: &generator))
            case .avgPool3x3: return module(Pool2d(.average, kernel: 3, stride: 1, padding: 1))
            }
        case let .reluConvBN(out, k):
            return module(ReLUConvBN(c, out, kernel: k, stride: 1, padding: k / 2, affine: true, generator: &generator))
        case .factorizedReduce(let out):
            return module(FactorizedReduce(c, out, affine: true, generator: &generator))
        case .zeros(let stride):
            return makeZerosRunner(x, stride: stride)
        case .sum(let terms):
            let inputs = [x] + (1..<max(terms, 1)).map { _ in randomInput(generator: &generator) }
            return { _ = try sum(inputs) }
        case .concat(let parts):
            let inputs = [x] + (1..<max(parts, 1)).map { _ in randomInput(generator: &generator) }
            return { _ = try concatChannels(inputs) }
        case .nb201Residual(let out):
            return module(NB201ResidualBlock(c, out, generator: &generator))
        case .dartsHead(let classes):
            let classifier = Linear(c, classes, generator: &generator)
            return { _ = try classifier(x.globalAvgPool()) }
        case .nb201Head(let classes):
            let norm = BatchNorm(c)
            norm.train(false)
            let classifier = Linear(c, classes, generator: &generator)
            return { _ = try classifier(norm(x).relu().globalAvgPool()) }
        case .chainConv(let layer):
            return module(Sequential(ChainNetwork.convModules(layer, inChannels: c, generator: &generator)))
        case .chainHead(let head):
            return head == .avgpool ? { _ = try x.globalAvgPool() } : { _ = try x.flattened() }
        case let .chainLinear(units, activation):
            let v = randomVector(generator: &generator)
            var layers: [Module] = [Linear(c, units, generator: &generator)]
            if let activation { layers.append(Activation(Activation.Kind(rawValue: activation.rawValue) ?? .relu)) }
            let m = Sequential(layers)
            m.train(false)
            return { _ = try m(v) }
        }
    }

    /// What a darts `none` edge (zeros at the output resolution) and an empty nb201 node compute.
    private func makeZerosRunner(_ x: Tensor, stride: Int) -> () throws -> Void {
        if stride == 1 { return { _ = x.scaled(by: 0) } }
        return { _ = try x.stridedSpatialSlice(offset: 0, stride: stride).scaled(by: 0) }
    }

    private func randomInput(generator: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: [1, channels, height, width])
        for i in 0..<t.count { t.data[i] = generator.nextNormal() }
        return t
    }

    private func randomVector(generator: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: [1, channels])
        for i in 0..<t.count { t.data[i] = generator.nextNormal() }
        return t
    }
}
