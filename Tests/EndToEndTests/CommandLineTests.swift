import Foundation
import XCTest

/// Runs the nas-tui executable as a user would and checks the command-line contract.
final class CommandLineTests: XCTestCase {
    struct Run { let status: Int32; let stdout: String; let stderr: String }

    static var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized }
    static var benchmark: String { repository.appendingPathComponent("demo/benchmarks/nb201_cifar10_subset.csv").standardized.path }
    static var binary: String {
        ProcessInfo.processInfo.environment["NAS_TUI_BIN"] ?? repository.appendingPathComponent(".build/debug/nas-tui").path
    }

    @discardableResult
    static func nasTUI(_ arguments: [String], signal: Int32? = nil, after seconds: Double = 0) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw XCTSkip("\(Self.binary) not built") }
        return try run(Self.binary, arguments, signal: signal, after: seconds)
    }

    /// Runs `executable` in the repository (with `environment` over this process's) and collects its output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    signal: Int32? = nil, after seconds: Double = 0) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = Self.repository
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let signal {
            Thread.sleep(forTimeInterval: seconds)
            kill(process.processIdentifier, signal)
        }
        // Both pipes are drained at once: a process filling one while we wait on the other would block forever.
        final class Box: @unchecked Sendable { var data = Data() }
        let errors = Box()
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async { errors.data = err.fileHandleForReading.readDataToEndOfFile(); drained.leave() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        let stderr = errors.data
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "nas-tui-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func testHelpListsTheSubcommandsOfTheContract() throws {
        let run = try Self.nasTUI(["--help"])
        XCTAssertEqual(run.status, 0)
        for command in ["run", "export", "inspect", "score", "train", "bench"] {
            XCTAssertTrue(run.stdout.contains("  \(command)"), "--help lists \(command)")
        }
    }

    func testBadUsageExitsTwoWithAMessage() throws {
        let flag = try Self.nasTUI(["train", "--frobnicate"])
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.contains("--frobnicate"), flag.stderr)
        let space = try Self.nasTUI(["inspect", "--space", "resnet", "--arch", "x"])
        XCTAssertEqual(space.status, 2)
        XCTAssertTrue(space.stderr.contains("The value 'resnet' is invalid for '--space <space>'. Please provide one of 'darts', 'nb201' or 'chain'."), space.stderr)
        let op = try Self.nasTUI(["inspect", "--space", "nb201", "--arch", "|conv_7x7~0|+|none~0|none~1|+|none~0|none~1|none~2|"])
        XCTAssertEqual(op.status, 2)
        XCTAssertTrue(op.stderr.contains("conv_7x7") && op.stderr.contains("nor_conv_3x3"), op.stderr)
        let data = try Self.nasTUI(["train", "--space", "nb201", "--arch", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                               "--dataset", "/nonexistent/data"])
        XCTAssertEqual(data.status, 2)
        XCTAssertTrue(data.stderr.contains("/nonexistent/data"), data.stderr)
    }

    func testGenotypeFileErrorsNameTheFile() throws {
        let dir = try Self.temporaryDirectory()
        let file = dir + "/g.txt"
        try "Genotype(normal=[('sep_conv_9x9', 0)])".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try Self.nasTUI(["train", "--genotype", file, "--dataset", "synthetic"])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains(file) && run.stderr.contains("sep_conv_9x9") && run.stderr.contains("sep_conv_3x3"), run.stderr)
    }

    func testInspectMatchesTheBenchmarkRow() throws {
        let arch = "|nor_conv_1x1~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|"
        let run = try Self.nasTUI(["inspect", "--space", "nb201", "--arch", arch, "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["params"] as? Int, 101306)
        XCTAssertEqual(object["flops"] as? Int, 11715210)
        XCTAssertGreaterThan(object["latency_ms"] as? Double ?? 0, 0)
    }

    func testTrainReportsTestAccuracyAsJSON() throws {
        let run = try Self.nasTUI(["train", "--space", "nb201", "--arch", "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
                              "--channels", "4", "--layers", "1", "--dataset", "synthetic:3x12x12", "--train-limit", "256",
                              "--test-limit", "64", "--epochs", "2", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let accuracy = try XCTUnwrap(object["test_accuracy"] as? Double)
        XCTAssertTrue((0...1).contains(accuracy))
        XCTAssertEqual((object["epochs"] as? [Any])?.count, 2)
        XCTAssertTrue(run.stderr.contains("epoch 2:"), run.stderr)
    }

    func testHeadlessJSONEventsExportAndForeignStorage() throws {
        let dir = try Self.temporaryDirectory()
        let study = dir + "/study.db"
        let run = try Self.nasTUI(["run", "--headless", "--json", "--space", "nb201", "--benchmark", Self.benchmark, "--strategy", "tpe",
                              "--budget", "25", "--storage", study])
        XCTAssertEqual(run.status, 0, run.stderr)
        let events = run.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(events.filter { $0["event"] as? String == "trial" }.count, 25)
        let done = try XCTUnwrap(events.last)
        XCTAssertEqual(done["event"] as? String, "done")
        XCTAssertEqual(done["trials"] as? Int, 25)
        let best = try XCTUnwrap(done["best"] as? [String: Any])
        XCTAssertNotNil(best["accuracy"] as? Double)

        let exported = try Self.nasTUI(["export", "--storage", study, "--format", "nb201"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(exported.stdout.trimmingCharacters(in: .whitespacesAndNewlines), best["arch"] as? String)
        let csv = try Self.nasTUI(["export", "--storage", study, "--format", "csv"])
        XCTAssertEqual(csv.stdout.split(separator: "\n").count, 26)

        let foreign = dir + "/notes.db"
        try "my notes".write(toFile: foreign, atomically: true, encoding: .utf8)
        let refused = try Self.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", Self.benchmark, "--storage", foreign])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains(foreign) && refused.stderr.contains("not a nas-tui study"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: foreign, encoding: .utf8), "my notes")
    }

    func testSIGTERMStopsAtTheNextBatchWithExit143() throws {
        let dir = try Self.temporaryDirectory()
        let run = try Self.nasTUI(["run", "--headless", "--space", "darts", "--dataset", "synthetic:1x12x12", "--channels", "4", "--layers", "3",
                              "--train-limit", "2000", "--budget", "50", "--storage", dir + "/s.db"], signal: SIGTERM, after: 3)
        XCTAssertEqual(run.status, 143, run.stderr)
        XCTAssertTrue(run.stderr.contains("stopped"), run.stderr)
    }
}
