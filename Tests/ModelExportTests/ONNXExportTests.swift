import Foundation
import XCTest
@testable import ModelExport
import NAS
import Tensor

/// The ONNX graph itself, decoded with the generated message types (no Python needed).
final class ONNXExportTests: XCTestCase {
    private func export(_ fixture: ExportFixture) throws -> Onnx_ModelProto {
        let data = try ONNXExport.serializedModel(fixture.model, inputShape: fixture.inputShape, normalization: fixture.normalization,
                                                  metadata: [("space", fixture.space.name)])
        return try Onnx_ModelProto(serializedBytes: data)
    }

    private func floats(_ tensor: Onnx_TensorProto) -> [Float] {
        tensor.rawData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func testInputOutputOpsetAndTheNormalisationFirst() throws {
        let fixture = try ExportFixture.darts()
        let model = try export(fixture)
        XCTAssertEqual(model.irVersion, 8)
        XCTAssertEqual(model.opsetImport.map(\.version), [17])
        XCTAssertEqual(model.opsetImport.map(\.domain), [""])
        XCTAssertEqual(model.producerName, "nas-tui")
        XCTAssertEqual(model.metadataProps.map(\.key), ["space"])
        let graph = model.graph
        XCTAssertEqual(graph.input.map(\.name), ["images"])
        XCTAssertEqual(graph.output.map(\.name), ["logits"])
        let inputDims = graph.input[0].type.tensorType.shape.dim
        XCTAssertEqual(inputDims.map(\.dimParam), ["N", "", "", ""])
        XCTAssertEqual(inputDims.dropFirst().map(\.dimValue), [2, 12, 12])
        XCTAssertEqual(graph.output[0].type.tensorType.shape.dim.map(\.dimValue), [0, 5])
        XCTAssertEqual(graph.output[0].type.tensorType.shape.dim[0].dimParam, "N")
        // (images - mean) / std, then the stem.
        XCTAssertEqual(graph.node.prefix(3).map(\.opType), ["Sub", "Div", "Conv"])
        XCTAssertEqual(graph.node[0].input[0], "images")
        let initializers = Dictionary(uniqueKeysWithValues: graph.initializer.map { ($0.name, $0) })
        XCTAssertEqual(floats(initializers[graph.node[0].input[1]]!), fixture.normalization.mean)
        XCTAssertEqual(floats(initializers[graph.node[1].input[1]]!), fixture.normalization.std)
        XCTAssertEqual(initializers[graph.node[0].input[1]]!.dims, [1, 2, 1, 1])
        XCTAssertEqual(graph.node[2].input, [graph.node[1].output[0], "stem.0.weight"])
        XCTAssertEqual(graph.node.last?.opType, "Gemm")
        XCTAssertEqual(graph.node.last?.input, [graph.node[graph.node.count - 2].output[0], "classifier.weight", "classifier.bias"])
        XCTAssertEqual(graph.node.last?.output, ["logits"])
    }

    /// Every parameter and buffer is an initializer under its state-dict key, with its values;
    /// every node reads only the input, initializers and earlier nodes' outputs.
    func testWeightsAreInitializersAndTheNodesAreInOrder() throws {
        for fixture in try ExportFixture.all() {
            let graph = try export(fixture).graph
            let initializers = Dictionary(uniqueKeysWithValues: graph.initializer.map { ($0.name, $0) })
            XCTAssertEqual(initializers.count, graph.initializer.count, "\(fixture.name): initializer names are unique")
            for (name, tensor) in StateDict.tensors(of: fixture.model) {
                guard let initializer = initializers[name] else { XCTFail("\(fixture.name): \(name) is not an initializer"); continue }
                XCTAssertEqual(initializer.dims, tensor.shape.map(Int64.init), "\(fixture.name): \(name)")
                XCTAssertEqual(floats(initializer), tensor.scalars, "\(fixture.name): \(name)")
            }
            var defined = Set(["images"] + graph.initializer.map(\.name))
            for node in graph.node {
                for input in node.input { XCTAssertTrue(defined.contains(input), "\(fixture.name): \(node.opType) reads \(input) before it is made") }
                XCTAssertTrue(node.output.allSatisfy { defined.insert($0).inserted }, "\(fixture.name): \(node.output) made twice")
            }
            XCTAssertTrue(defined.contains("logits"))
        }
    }

    func testOperatorsOfEachSpace() throws {
        let expected: [String: Set<String>] = [
            "darts": ["Sub", "Div", "Conv", "BatchNormalization", "Relu", "Add", "Concat", "MaxPool", "AveragePool", "Slice",
                      "GlobalAveragePool", "Flatten", "Gemm"],
            // `none`: zeros as the input times 0.
            "nb201": ["Sub", "Div", "Conv", "BatchNormalization", "Relu", "Add", "Mul", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm"],
            "nb201-sum": ["Sub", "Div", "Conv", "BatchNormalization", "Relu", "Add", "Sum", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm"],
            // gelu is spelled with Erf (Gelu is opset 20), silu with Sigmoid; dropout is gone in evaluation.
            "chain": ["Sub", "Div", "Conv", "Mul", "Erf", "Add", "MaxPool", "BatchNormalization", "Sigmoid", "AveragePool", "Flatten", "Gemm", "Relu"],
        ]
        for fixture in try ExportFixture.all() {
            XCTAssertEqual(Set(try export(fixture).graph.node.map(\.opType)), expected[fixture.name], fixture.name)
        }
        let pool = try export(ExportFixture.nb201()).graph.node.first { $0.opType == "AveragePool" }!
        XCTAssertEqual(pool.attribute.first { $0.name == "count_include_pad" }?.i, 0)
    }

    /// The DARTS search network mixes every operation by its alphas: not an inference graph.
    func testASupernetIsRefusedByName() throws {
        var generator = SeededGenerator(seed: 4)
        let supernet = DartsSupernet(channels: 2, layers: 1, classes: 3, inputChannels: 1, generator: &generator)
        XCTAssertThrowsError(try ONNXExport.serializedModel(supernet, inputShape: [1, 8, 8], normalization: nil)) { error in
            XCTAssertTrue("\(error)".contains("softmax") || "\(error)".contains("weightedSum"), "\(error)")
        }
    }

    func testBadInputShapesAreRefused() throws {
        let fixture = try ExportFixture.chain()
        XCTAssertThrowsError(try ONNXExport.serializedModel(fixture.model, inputShape: [12, 12], normalization: nil)) { error in
            XCTAssertEqual("\(error)", "ONNX export: input shape [12, 12]; accepted: [C, H, W] with positive sizes")
        }
        XCTAssertThrowsError(try ONNXExport.serializedModel(fixture.model, inputShape: [1, 12, 12], normalization: ExportFixture.nb201().normalization)) { error in
            XCTAssertEqual("\(error)", "ONNX export: normalisation of 3 channels for 1-channel images")
        }
    }
}
