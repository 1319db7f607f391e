import Foundation
import Tensor

/// Turns a forward trace into ONNX nodes (opset `ONNXExport.opset`): each traced operation
/// becomes one or a few standard operators; parameters and buffers become initializers named
/// by their state-dict keys; constants get names of their own. A tensor the trace reads that is
/// neither the graph input, a known weight nor an earlier result is refused, since exporting
/// its values as a constant would freeze one batch into the graph.
struct ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// Value names by tensor identity: the input, weights once used, and results.
    private var names: [ObjectIdentifier: String] = [:]
    /// Weights that may become initializers, by identity.
    private let weights: [ObjectIdentifier: (name: String, tensor: Tensor)]
    private var usedNames: Set<String> = []
    private var counter = 0

    /// `weights`: every parameter and buffer of the network with its state-dict key.
    init(weights: [(name: String, tensor: Tensor)]) {
        var table: [ObjectIdentifier: (name: String, tensor: Tensor)] = [:]
        for (name, tensor) in weights where table[ObjectIdentifier(tensor)] == nil { table[ObjectIdentifier(tensor)] = (name, tensor) }
        self.weights = table
    }

    /// Names the graph's (normalised) input tensor.
    mutating func bind(_ tensor: Tensor, to name: String) {
        names[ObjectIdentifier(tensor)] = name
        usedNames.insert(name)
    }

    /// The value name of a tensor the trace produced or the graph holds.
    func name(of tensor: Tensor) -> String? { names[ObjectIdentifier(tensor)] }

    /// A fresh value name, `prefix_N`.
    mutating func fresh(_ prefix: String) -> String {
        while true {
            counter += 1
            let candidate = "\(prefix)_\(counter)"
            if usedNames.insert(candidate).inserted { return candidate }
        }
    }

    /// Adds a float constant initializer and returns its name.
    mutating func constant(_ values: [Float], shape: [Int], hint: String) -> String {
        let name = fresh(hint)
        initializers.append(ONNXTensors.float(name: name, shape: shape, values: values))
        return name
    }

    /// Adds an int64 constant initializer and returns its name.
    mutating func constant(int64 values: [Int64], hint: String) -> String {
        let name = fresh(hint)
        initializers.append(ONNXTensors.int64(name: name, shape: [values.count], values: values))
        return name
    }

    /// Appends a node; `output` nil makes a fresh name. Returns the output name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], output: String? = nil, _ attributes: [Onnx_AttributeProto] = []) -> String {
        let out = output ?? fresh(op.lowercased())
        usedNames.insert(out)
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "\(op)_\(nodes.count)"
        node.input = inputs
        node.output = [out]
        node.attribute = attributes
        nodes.append(node)
        return out
    }

    /// The value name of `tensor` as an input of `op`: a result, the input, or a weight (added as
    /// an initializer on first use).
    private mutating func input(_ tensor: Tensor, of op: String) throws -> String {
        if let name = names[ObjectIdentifier(tensor)] { return name }
        if let (name, weight) = weights[ObjectIdentifier(tensor)] {
            initializers.append(ONNXTensors.float(name: name, shape: weight.shape, values: weight.scalars))
            names[ObjectIdentifier(tensor)] = name
            usedNames.insert(name)
            return name
        }
        throw SavedModelError("ONNX export: \(op) reads a \(tensor.shape) tensor that is neither the input, a parameter or buffer of the network, nor the result of an earlier operation")
    }

    /// Lowers one traced operation whose result is named `output` (nil: a fresh name).
    mutating func lower(_ operation: ObservedOperation, result: Tensor, output: String?) throws {
        let op = operation.name
        let name: String
        switch operation {
        case let .conv2d(x, w, b, stride, padding, dilation, groups):
            let inputs = try [input(x, of: op), input(w, of: op)] + (b.map { [try input($0, of: op)] } ?? [])
            name = node("Conv", inputs, output: output, [
                .ints("kernel_shape", [w.shape[2], w.shape[3]]), .ints("strides", [stride, stride]),
                .ints("pads", [padding, padding, padding, padding]), .ints("dilations", [dilation, dilation]),
                .int("group", groups),
            ])
        case let .batchNorm(x, w, b, mean, variance, epsilon, training):
            guard !training else { throw SavedModelError("ONNX export: a batch norm ran in training mode; export traces evaluation mode") }
            let channels = mean.count
            let scale = try w.map { try input($0, of: op) } ?? constant([Float](repeating: 1, count: channels), shape: [channels], hint: "bn_scale")
            let shift = try b.map { try input($0, of: op) } ?? constant([Float](repeating: 0, count: channels), shape: [channels], hint: "bn_shift")
            name = node("BatchNormalization", [try input(x, of: op), scale, shift, try input(mean, of: op), try input(variance, of: op)],
                        output: output, [.float("epsilon", epsilon)])
        case let .linear(x, w, b):
            let inputs = try [input(x, of: op), input(w, of: op)] + (b.map { [try input($0, of: op)] } ?? [])
            name = node("Gemm", inputs, output: output, [.int("transB", 1)])
        case let .matmul(a, b):
            name = node("MatMul", [try input(a, of: op), try input(b, of: op)], output: output)
        case let .relu(x):
            name = node("Relu", [try input(x, of: op)], output: output)
        case let .gelu(x):
            // The exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (Gelu itself is opset 20).
            let value = try input(x, of: op)
            let scaled = node("Div", [value, constant([Float(2).squareRoot()], shape: [], hint: "sqrt2")])
            let plusOne = node("Add", [node("Erf", [scaled]), constant([1], shape: [], hint: "one")])
            let half = node("Mul", [value, constant([0.5], shape: [], hint: "half")])
            name = node("Mul", [half, plusOne], output: output)
        case let .silu(x):
            let value = try input(x, of: op)
            name = node("Mul", [value, node("Sigmoid", [value])], output: output)
        case let .add(xs):
            let inputs = try xs.map { try input($0, of: op) }
            name = inputs.count == 1 ? node("Identity", inputs, output: output)
                : node(inputs.count == 2 ? "Add" : "Sum", inputs, output: output)
        case let .subtract(a, b):
            name = node("Sub", [try input(a, of: op), try input(b, of: op)], output: output)
        case let .multiply(a, b):
            name = node("Mul", [try input(a, of: op), try input(b, of: op)], output: output)
        case let .scale(x, factor):
            name = node("Mul", [try input(x, of: op), constant([factor], shape: [], hint: "factor")], output: output)
        case let .reshape(x, shape):
            let value = try input(x, of: op)
            if shape.count == 2, x.rank >= 2, shape[0] == x.shape[0] {
                name = node("Flatten", [value], output: output, [.int("axis", 1)])
            } else {
                // Keep the batch dimension dynamic (0 copies the input's) when the reshape keeps it.
                let target = shape.first == x.shape.first ? [0] + shape.dropFirst().map { Int64($0) } : shape.map { Int64($0) }
                name = node("Reshape", [value, constant(int64: target, hint: "shape")], output: output)
            }
        case let .sliceChannels(x, range):
            name = node("Slice", [try input(x, of: op), constant(int64: [Int64(range.lowerBound)], hint: "starts"),
                                  constant(int64: [Int64(range.upperBound)], hint: "ends"), constant(int64: [1], hint: "axes")],
                        output: output)
        case let .stridedSpatialSlice(x, offset, stride):
            name = node("Slice", [try input(x, of: op), constant(int64: [Int64(offset), Int64(offset)], hint: "starts"),
                                  constant(int64: [Int64.max, Int64.max], hint: "ends"), constant(int64: [2, 3], hint: "axes"),
                                  constant(int64: [Int64(stride), Int64(stride)], hint: "steps")],
                        output: output)
        case let .concatChannels(xs):
            name = node("Concat", try xs.map { try input($0, of: op) }, output: output, [.int("axis", 1)])
        case let .maxPool2d(x, kernel, stride, padding):
            name = node("MaxPool", [try input(x, of: op)], output: output, [
                .ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]),
                .ints("pads", [padding, padding, padding, padding]),
            ])
        case let .avgPool2d(x, kernel, stride, padding):
            name = node("AveragePool", [try input(x, of: op)], output: output, [
                .ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]),
                .ints("pads", [padding, padding, padding, padding]), .int("count_include_pad", 0),
            ])
        case let .globalAvgPool(x):
            let pooled = node("GlobalAveragePool", [try input(x, of: op)])
            name = node("Flatten", [pooled], output: output, [.int("axis", 1)])
        case let .softmax(x):
            name = node("Softmax", [try input(x, of: op)], output: output, [.int("axis", -1)])
        case let .logSoftmax(x):
            name = node("LogSoftmax", [try input(x, of: op)], output: output, [.int("axis", -1)])
        case .dropout, .dropPath, .crossEntropy, .sumAll, .meanAll, .weightedSum:
            throw SavedModelError("ONNX export: the forward pass runs \(op), which an inference graph does not hold; export a discrete network in evaluation mode")
        }
        names[ObjectIdentifier(result)] = name
    }
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }
}
