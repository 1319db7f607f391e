import Foundation
import XCTest
@testable import ModelExport
import Tensor

/// Runs tools/check_saved_model.py with the Python that has onnxruntime (the virtual
/// environment `make pyenv` creates under .build/pyenv, or $NAS_TUI_PYTHON) or PyTorch
/// ($NAS_TUI_TORCH_PYTHON, optional: PyTorch is large).
enum PythonChecker {
    static var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized }
    static var script: String { repository.appendingPathComponent("tools/check_saved_model.py").path }

    /// The interpreter for the onnxruntime checks. Missing: the test fails under CI=true (the
    /// environment is part of `make test`) and is skipped otherwise, saying how to make it.
    static func onnxPython() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let python = environment["NAS_TUI_PYTHON"], !python.isEmpty { return python }
        let venv = repository.appendingPathComponent(".build/pyenv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        let message = "\(venv) is missing: `make pyenv` (part of `make test`) creates it with onnxruntime, onnx, safetensors and numpy"
        if environment["CI"] == "true" {
            XCTFail(message)
            throw SavedModelError(message)
        }
        throw XCTSkip(message)
    }

    /// The interpreter with PyTorch, from $NAS_TUI_TORCH_PYTHON (e.g. /opt/torchenv/venv/bin/python).
    static func torchPython() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["NAS_TUI_TORCH_PYTHON"], !python.isEmpty else {
            throw XCTSkip("set NAS_TUI_TORCH_PYTHON to a Python with torch and safetensors to check model.py")
        }
        return python
    }

    /// Writes `images` and our `logits` as the checker's CASES file.
    static func writeCases(images: Tensor, logits: Tensor) throws -> String {
        let path = temporaryPath("cases.safetensors")
        try SafeTensors.write(["images": SafeTensors.Entry(images), "logits": SafeTensors.Entry(logits)], to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs the checker and returns its JSON report; a failing run fails with its stderr.
    static func run(_ python: String, _ arguments: [String]) throws -> [String: Any] {
        try runAll(python, arguments)[0]
    }

    /// Runs the checker and returns its reports, one per line.
    static func runAll(_ python: String, _ arguments: [String]) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SavedModelError("\(python) \(([script] + arguments).joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        let lines = String(decoding: stdout, as: UTF8.self).split(separator: "\n")
        let reports = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        guard !reports.isEmpty, reports.allSatisfy({ $0 != nil }) else {
            throw SavedModelError("the checker printed \(String(decoding: stdout, as: UTF8.self))")
        }
        return reports.map { $0! }
    }
}
