import Foundation
import XCTest

/// `train --save DIR` and `predict --model DIR` as a user runs them: the saved model evaluates
/// to the accuracy training reported, and bad input exits 2 with nothing lost.
final class SavedModelCommandTests: XCTestCase {
    struct Run { let status: Int32; let stdout: String; let stderr: String }

    static var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized }
    static var binary: String {
        ProcessInfo.processInfo.environment["NAS_TUI_BIN"] ?? repository.appendingPathComponent(".build/debug/nas-tui").path
    }
    static let files = ["genotype.json", "metrics.json", "model.onnx", "model.py", "model.safetensors"]
    static let arch = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"
    static let small = ["--space", "nb201", "--arch", arch, "--channels", "4", "--layers", "1", "--dataset", "synthetic:3x12x12",
                        "--train-limit", "256", "--test-limit", "64", "--epochs", "1"]

    func nasTUI(_ arguments: [String]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw XCTSkip("\(Self.binary) not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = Self.repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "nas-tui-saved-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// Every file of a directory with its bytes.
    private func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }

    func testSavedModelPredictsTheAccuracyTrainingReported() throws {
        let model = try temporaryDirectory() + "/model"
        let train = try nasTUI(["train"] + Self.small + ["--save", model, "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: model).sorted(), Self.files)
        XCTAssertTrue(train.stderr.contains("saved the model to \(model)"), train.stderr)
        let trained = try json(train.stdout)
        let metrics = try json(String(contentsOfFile: model + "/metrics.json", encoding: .utf8))
        let accuracy = try XCTUnwrap(metrics["test_accuracy"] as? Double)
        XCTAssertEqual(accuracy, try XCTUnwrap(trained["test_accuracy"] as? Double), accuracy: 1e-6)
        XCTAssertEqual(metrics["dataset"] as? String, "synthetic:3x12x12")
        XCTAssertEqual(metrics["test_images"] as? Int, 64)
        XCTAssertEqual(metrics["params"] as? Int, trained["params"] as? Int)

        // The data set defaults to the one trained on; the same 64 test images give the same accuracy.
        let predicted = try nasTUI(["predict", "--model", model, "--test-limit", "64", "--json"])
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        let result = try json(predicted.stdout)
        XCTAssertEqual(try XCTUnwrap(result["accuracy"] as? Double), accuracy, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(result["loss"] as? Double), try XCTUnwrap(metrics["test_loss"] as? Double), accuracy: 1e-5)
        XCTAssertEqual(result["images"] as? Int, 64)
        let plain = try nasTUI(["predict", "--model", model, "--dataset", "synthetic:3x12x12", "--test-limit", "64"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stdout.hasPrefix(String(format: "accuracy %.4f (loss ", accuracy)), plain.stdout)

        // A data set of another image shape names both shapes; the model is left as it was.
        let before = try snapshot(model)
        let other = try nasTUI(["predict", "--model", model, "--dataset", "synthetic:1x12x12"])
        XCTAssertEqual(other.status, 2)
        XCTAssertTrue(other.stderr.contains("its images are 1x12x12 but the model in \(model) takes 3x12x12 images"), other.stderr)
        XCTAssertEqual(try snapshot(model), before)
    }

    func testSaveRefusesANonEmptyDirectoryBeforeTraining() throws {
        let directory = try temporaryDirectory()
        try "keep me".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
        let run = try nasTUI(["train"] + Self.small + ["--save", directory])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("--save \(directory): the directory is not empty (it holds notes.txt)"), run.stderr)
        XCTAssertFalse(run.stderr.contains("epoch 1"), "refused before training: \(run.stderr)")
        XCTAssertEqual(try snapshot(directory), ["notes.txt": Data("keep me".utf8)])
    }

    func testSaveRefusesAnUnwritableDirectory() throws {
        let path: String
        if geteuid() == 0 {
            path = "/proc/nas-tui-saved-model" // root writes past permissions; /proc takes no new files
        } else {
            let parent = try temporaryDirectory()
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: parent)
            path = parent + "/model"
        }
        let run = try nasTUI(["train"] + Self.small + ["--save", path])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("--save \(path): cannot write in"), run.stderr)
        XCTAssertFalse(run.stderr.contains("epoch 1"), run.stderr)
    }

    func testPredictRefusesADirectoryThatIsNotASavedModel() throws {
        let directory = try temporaryDirectory()
        try "{}".write(toFile: directory + "/genotype.json", atomically: true, encoding: .utf8)
        let missing = try nasTUI(["predict", "--model", directory, "--dataset", "synthetic"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("\(directory) is not a saved model: metrics.json is missing"), missing.stderr)
        XCTAssertEqual(try snapshot(directory), ["genotype.json": Data("{}".utf8)])
        let nowhere = try nasTUI(["predict", "--model", directory + "/nothing", "--dataset", "synthetic"])
        XCTAssertEqual(nowhere.status, 2)
        XCTAssertTrue(nowhere.stderr.contains("--model \(directory)/nothing: no such directory"), nowhere.stderr)
    }

    /// Behind NAS_TUI_EXPORT_BENCH=1: a DARTS network trained for real on Fashion-MNIST; the test
    /// accuracy onnxruntime computes from model.onnx on the 10,000 test images equals metrics.json's
    /// within 0.1 points.
    func testOnnxRuntimeAccuracyOnFashionMNISTMatchesTheMetrics() throws {
        guard ProcessInfo.processInfo.environment["NAS_TUI_EXPORT_BENCH"] == "1" else {
            throw XCTSkip("set NAS_TUI_EXPORT_BENCH=1 to train on Fashion-MNIST and check model.onnx with onnxruntime")
        }
        let python = ProcessInfo.processInfo.environment["NAS_TUI_PYTHON"] ?? Self.repository.appendingPathComponent(".build/pyenv/bin/python").path
        let model = try temporaryDirectory() + "/fashion"
        let train = try nasTUI(["train", "--genotype", "demo/genotypes/darts_v2.txt", "--channels", "8", "--layers", "3",
                                "--dataset", "fashion-mnist", "--train-limit", "10000", "--epochs", "1", "--save", model, "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.repository.appendingPathComponent("tools/check_saved_model.py").path, "accuracy", model, "--tolerance", "0.1"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = try json(String(decoding: stdout, as: UTF8.self))
        print("Fashion-MNIST test set: onnxruntime \(report["onnx_accuracy"] ?? "?"), metrics.json \(report["metrics_accuracy"] ?? "?")")
        XCTAssertEqual(report["images"] as? Int, 10000)
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["difference_points"] as? Double), 0.1)
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
