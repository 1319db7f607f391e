import Foundation
import NAS
import SwiftProtobuf
import Tensor

/// A network as an ONNX model: input `images` (float32 N×C×H×W, pixels in [0, 1], the batch
/// dimension dynamic), the training data's normalisation as the first nodes (Sub, Div), the
/// network traced from one forward pass in evaluation mode, output `logits` [N, classes].
/// Parameters and batch-norm statistics are initializers named by their state-dict keys.
public enum ONNXExport {
    /// The default operator set (ai.onnx): onnxruntime 1.16 and later run it.
    public static let opset = 17
    /// The IR version that goes with opset 17.
    public static let irVersion: Int64 = 8
    public static let producerName = "nas-tui"
    public static let producerVersion = "0.1.0"

    /// The serialized `ModelProto` of `model` for inputs of shape `inputShape` ([C, H, W]).
    /// `metadata` becomes the model's metadata_props (space, genotype, ...).
    public static func serializedModel(_ model: Module, inputShape: [Int], normalization: ChannelNormalization?,
                                       metadata: [(String, String)] = [], docString: String = "") throws -> Data {
        try modelProto(model, inputShape: inputShape, normalization: normalization, metadata: metadata, docString: docString)
            .serializedData()
    }

    static func modelProto(_ model: Module, inputShape: [Int], normalization: ChannelNormalization?,
                           metadata: [(String, String)], docString: String) throws -> Onnx_ModelProto {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw SavedModelError("ONNX export: input shape \(inputShape); accepted: [C, H, W] with positive sizes")
        }
        if let normalization, normalization.mean.count != inputShape[0] {
            throw SavedModelError("ONNX export: normalisation of \(normalization.mean.count) channels for \(inputShape[0])-channel images")
        }
        // Batch 3: a reshape that keeps the batch dimension is told apart from one that does not.
        let probe = Tensor(zeros: [3] + inputShape)
        let (trace, output) = try ForwardTrace.record(model, input: probe)
        guard output.rank == 2, output.shape[0] == 3 else {
            throw SavedModelError("ONNX export: the network returns \(output.shape) for a batch of 3; accepted: logits [N, classes]")
        }
        var graph = ONNXGraphBuilder(weights: StateDict.tensors(of: model))
        let images = "images", logits = "logits"
        var network = images
        if let normalization {
            let c = inputShape[0]
            let mean = graph.constant(normalization.mean, shape: [1, c, 1, 1], hint: "input_mean")
            let std = graph.constant(normalization.std, shape: [1, c, 1, 1], hint: "input_std")
            network = graph.node("Div", [graph.node("Sub", [images, mean]), std], output: "normalized")
        }
        graph.bind(probe, to: network)
        for (operation, result) in trace.steps {
            try graph.lower(operation, result: result, output: result === output ? logits : nil)
        }
        if graph.name(of: output) != logits {
            // The network returned its input or a weight unchanged.
            guard let name = graph.name(of: output) else {
                throw SavedModelError("ONNX export: the network's result was not produced by a traced operation")
            }
            graph.node("Identity", [name], output: logits)
        }
        var proto = Onnx_GraphProto()
        proto.name = "nas_tui_network"
        proto.node = graph.nodes
        proto.initializer = graph.initializers
        proto.input = [ONNXTensors.valueInfo(images, shape: [nil] + inputShape.map { Optional($0) })]
        proto.output = [ONNXTensors.valueInfo(logits, shape: [nil, output.shape[1]])]

        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        var set = Onnx_OperatorSetIdProto()
        set.domain = ""
        set.version = Int64(opset)
        model.opsetImport = [set]
        model.producerName = producerName
        model.producerVersion = producerVersion
        model.docString = docString
        model.graph = proto
        model.metadataProps = metadata.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return model
    }
}

/// TensorProto and ValueInfoProto construction.
enum ONNXTensors {
    static func float(name: String, shape: [Int], values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = shape.map(Int64.init)
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        // Little-endian IEEE floats, as raw_data requires (every platform Swift runs nas-tui on).
        t.rawData = values.withUnsafeBytes { Data($0) }
        return t
    }

    static func int64(name: String, shape: [Int], values: [Int64]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = shape.map(Int64.init)
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.int64Data = values
        return t
    }

    /// A float tensor value; nil dimensions are the dynamic batch `N`.
    static func valueInfo(_ name: String, shape: [Int?]) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var shapeProto = Onnx_TensorShapeProto()
        shapeProto.dim = shape.map { size in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let size { dim.dimValue = Int64(size) } else { dim.dimParam = "N" }
            return dim
        }
        tensorType.shape = shapeProto
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}
