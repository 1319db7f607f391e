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

    /// One saved model and its CASES file per fixture, as the checker's arguments.
    private func savedCases(_ fixtures: [ExportFixture]) throws -> [String] {
        try fixtures.flatMap { fixture in
            [try fixture.save(), try PythonChecker.writeCases(images: fixture.images, logits: try fixture.logits())]
        }
    }

    func testOnnxRuntimeGivesOurLogits() throws {
        let python = try PythonChecker.onnxPython()
        let fixtures = try ExportFixture.all()
        let reports = try PythonChecker.runAll(python, ["onnx"] + savedCases(fixtures))
        XCTAssertEqual(reports.count, fixtures.count)
        for (fixture, report) in zip(fixtures, reports) {
            let difference = try XCTUnwrap(report["max_abs_diff"] as? Double, "\(report)")
            print("onnxruntime, \(fixture.name): max |Δlogit| = \(difference) (largest |logit| \(report["max_abs_logit"] ?? "?"))")
            XCTAssertLessThanOrEqual(difference, Self.tolerance, fixture.name)
            XCTAssertEqual(report["argmax_agree"] as? Int, fixture.images.shape[0], fixture.name)
            XCTAssertEqual(report["opset"] as? Int, ONNXExport.opset, fixture.name)
            XCTAssertEqual(report["producer"] as? String, "nas-tui \(ONNXExport.producerVersion)")
        }
    }

    /// A batch size other than the traced one: the batch dimension is dynamic. And the check
    /// sees a difference of 1e-3 in one logit.
    func testOnnxRuntimeTakesAnyBatchSizeAndTheCheckSeesADifference() throws {
        let python = try PythonChecker.onnxPython()
        let fixture = try ExportFixture.nb201()
        let directory = try fixture.save()
        var generator = SeededGenerator(seed: 40)
        let images = Tensor(uninitialized: [7] + fixture.inputShape)
        for i in 0..<images.count { images.data[i] = generator.nextFloat() }
        let logits = try fixture.logits(for: images)
        let cases = try PythonChecker.writeCases(images: images, logits: logits)
        let perturbed = logits.copy()
        perturbed.data[12] += 1e-3
        let wrong = try PythonChecker.writeCases(images: images, logits: perturbed)
        let reports = try PythonChecker.runAll(python, ["onnx", directory, cases, directory, wrong])
        XCTAssertEqual(reports.map { $0["images"] as? Int }, [7, 7])
        XCTAssertLessThanOrEqual(try XCTUnwrap(reports[0]["max_abs_diff"] as? Double), Self.tolerance)
        XCTAssertEqual(try XCTUnwrap(reports[1]["max_abs_diff"] as? Double), 1e-3, accuracy: 2e-5)
    }

    /// Behind NAS_TUI_TORCH_PYTHON: PyTorch is too large for `make test`'s environment.
    func testPyTorchCodeLoadsTheWeightsStrictlyAndGivesOurLogits() throws {
        let python = try PythonChecker.torchPython()
        let fixtures = try ExportFixture.all()
        let reports = try PythonChecker.runAll(python, ["torch"] + savedCases(fixtures))
        XCTAssertEqual(reports.count, fixtures.count)
        for (fixture, report) in zip(fixtures, reports) {
            let difference = try XCTUnwrap(report["max_abs_diff"] as? Double, "\(report)")
            print("PyTorch \(report["torch"] ?? "?"), \(fixture.name): max |Δlogit| = \(difference), \(report["tensors"] ?? "?") state-dict tensors")
            XCTAssertLessThanOrEqual(difference, Self.tolerance, fixture.name)
            XCTAssertEqual(report["argmax_agree"] as? Int, fixture.images.shape[0], fixture.name)
            XCTAssertEqual(report["tensors"] as? Int, StateDict.entries(of: fixture.model).count, fixture.name)
        }
    }
}
