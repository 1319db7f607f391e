import Foundation
import XCTest
@testable import ModelExport
import NAS
import Tensor

/// The saved model in other runtimes: onnxruntime on model.onnx and PyTorch on model.py +
/// model.safetensors give our logits within 1e-4 on the same images, for a darts, an nb201 and
/// a chain network.
final class RuntimeComparisonTests: XCTestCase {
    static let tolerance = 1e-4

    func testOnnxRuntimeGivesOurLogits() throws {
        let python = try PythonChecker.onnxPython()
        for fixture in try ExportFixture.all() {
            let directory = try fixture.save()
            let cases = try PythonChecker.writeCases(images: fixture.images, logits: try fixture.logits())
            let report = try PythonChecker.run(python, ["onnx", directory, cases])
            let difference = try XCTUnwrap(report["max_abs_diff"] as? Double, "\(report)")
            print("onnxruntime, \(fixture.name): max |Δlogit| = \(difference) (largest |logit| \(report["max_abs_logit"] ?? "?"))")
            XCTAssertLessThanOrEqual(difference, Self.tolerance, fixture.name)
            XCTAssertEqual(report["argmax_agree"] as? Int, fixture.images.shape[0], fixture.name)
            XCTAssertEqual(report["opset"] as? Int, ONNXExport.opset, fixture.name)
            XCTAssertEqual(report["producer"] as? String, "nas-tui \(ONNXExport.producerVersion)")
        }
    }

    /// A batch size other than the traced one: the batch dimension is dynamic.
    func testOnnxRuntimeTakesAnyBatchSize() throws {
        let python = try PythonChecker.onnxPython()
        let fixture = try ExportFixture.nb201()
        let directory = try fixture.save()
        var generator = SeededGenerator(seed: 40)
        let images = Tensor(uninitialized: [7] + fixture.inputShape)
        for i in 0..<images.count { images.data[i] = generator.nextFloat() }
        let cases = try PythonChecker.writeCases(images: images, logits: try fixture.logits(for: images))
        let report = try PythonChecker.run(python, ["onnx", directory, cases])
        XCTAssertEqual(report["images"] as? Int, 7)
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["max_abs_diff"] as? Double), Self.tolerance)
    }

    /// Behind NAS_TUI_TORCH_PYTHON: PyTorch is too large for `make test`'s environment.
    func testPyTorchCodeLoadsTheWeightsStrictlyAndGivesOurLogits() throws {
        let python = try PythonChecker.torchPython()
        for fixture in try ExportFixture.all() {
            let directory = try fixture.save()
            let cases = try PythonChecker.writeCases(images: fixture.images, logits: try fixture.logits())
            let report = try PythonChecker.run(python, ["torch", directory, cases])
            let difference = try XCTUnwrap(report["max_abs_diff"] as? Double, "\(report)")
            print("PyTorch \(report["torch"] ?? "?"), \(fixture.name): max |Δlogit| = \(difference), \(report["tensors"] ?? "?") state-dict tensors")
            XCTAssertLessThanOrEqual(difference, Self.tolerance, fixture.name)
            XCTAssertEqual(report["argmax_agree"] as? Int, fixture.images.shape[0], fixture.name)
            XCTAssertEqual(report["tensors"] as? Int, StateDict.entries(of: fixture.model).count, fixture.name)
        }
    }
}
