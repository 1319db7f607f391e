import Foundation
import XCTest

/// Our training step against PyTorch's, step by step (bench/parity/torch_parity.py): the same
/// initial weights and batches, the per-step losses agreeing to float32 accuracy. Behind
/// NAS_TUI_TORCH_PYTHON (a Python with torch and safetensors), as CI has no PyTorch; needs
/// Fashion-MNIST (dataset-fashion-mnist).
final class TrainingParityTests: XCTestCase {
    func testThirtyStepsAgreeWithPyTorchToFloat32Accuracy() throws {
        guard let python = ProcessInfo.processInfo.environment["NAS_TUI_TORCH_PYTHON"], !python.isEmpty else {
            throw XCTSkip("set NAS_TUI_TORCH_PYTHON=/opt/torchenv/venv/bin/python to compare training with PyTorch")
        }
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("\(CommandLineTests.binary) not built") }
        let directory = NSTemporaryDirectory() + "nas-tui-parity-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [CommandLineTests.repository.appendingPathComponent("bench/parity/torch_parity.py").path,
                             "--steps", "30", "--seed", "1", "--threads", "1", "--nas-tui", CommandLineTests.binary, "--dir", directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let summary = try XCTUnwrap(text.split(separator: "\n").last, text)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any], text)
        XCTAssertEqual(json["steps"] as? Int, 30, text)
        XCTAssertLessThanOrEqual(try XCTUnwrap(json["max_relative_first3"] as? Double), 1e-4, text)
        XCTAssertEqual(json["agree"] as? Bool, true, text)
        XCTAssertEqual(process.terminationStatus, 0, text)
    }
}
