import Foundation
import XCTest

/// The study's storage fails under a running study: made read-only, its directory removed, the
/// disk full. The engine stops with a clear message and exit 1, and no committed trial is lost.
final class StorageFaultTests: XCTestCase {
    /// A tabular study that would run for minutes, in `directory`.
    /// Its stderr goes to a file (a pipe nobody reads while we wait would fill and block it).
    func startLongStudy(_ study: String, limitFileSize blocks: Int? = nil) throws -> (Process, String) {
        let process = Process()
        let log = NSTemporaryDirectory() + "nas-tui-fault-\(UUID().uuidString).log"
        let command = "\(blocks.map { "ulimit -f \($0); " } ?? "")exec \(CommandLineTests.binary) run --headless --space nb201 "
            + "--benchmark \(CommandLineTests.benchmark) --budget 1000000 --storage \(study) 2>\(log)"
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, log)
    }

    /// Waits for the process to end (at most `timeout` seconds) and returns the end of its stderr.
    func finish(_ process: Process, _ log: String, timeout: Double = 30) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: log) }
        return String(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(4000))
    }

    func completeTrials(_ study: String) throws -> Int {
        let csv = try CommandLineTests.nasTUI(["export", "--storage", study, "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        return csv.stdout.split(separator: "\n").filter { $0.contains(",complete,") }.count
    }

    func testAStudyFileMadeReadOnlyStopsTheRun() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        let study = try CommandLineTests.temporaryDirectory() + "/ro.db"
        let (process, err) = try startLongStudy(study)
        Thread.sleep(forTimeInterval: 1.5)
        let before = try completeTrials(study)
        XCTAssertGreaterThan(before, 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: study)
        let stderr = finish(process, err)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("\(study): the study file was made read-only while the study ran"), stderr)
        XCTAssertGreaterThanOrEqual(try completeTrials(study), before, "no committed trial is lost")
        // It is still refused to write, but readable.
        let resume = try CommandLineTests.nasTUI(["run", "--headless", "--resume", "--storage", study])
        XCTAssertEqual(resume.status, 2)
        XCTAssertTrue(resume.stderr.contains("not writable"), resume.stderr)
    }

    func testAStudyWhoseDirectoryIsRemovedStops() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        let directory = try CommandLineTests.temporaryDirectory() + "/gone"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (process, err) = try startLongStudy(directory + "/s.db")
        Thread.sleep(forTimeInterval: 1.5)
        try FileManager.default.removeItem(atPath: directory)
        let stderr = finish(process, err)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("\(directory)/s.db: the study file was removed or replaced while the study ran"), stderr)
    }

    func testAFileSizeLimitStopsTheRunAndKeepsTheCommittedTrials() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        let study = try CommandLineTests.temporaryDirectory() + "/limit.db"
        // 4,000 blocks (2 MB with sh's 512-byte blocks): the write-ahead log reaches it after some ten trials.
        let (process, err) = try startLongStudy(study, limitFileSize: 4000)
        let stderr = finish(process, err, timeout: 60)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains(study), stderr)
        XCTAssertTrue(stderr.lowercased().contains("disk") || stderr.lowercased().contains("full") || stderr.contains("I/O"), stderr)
        let committed = try completeTrials(study)
        XCTAssertGreaterThan(committed, 10)
        let resumed = try CommandLineTests.nasTUI(["run", "--headless", "--resume", "--budget", "\(committed + 10)", "--storage", study])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try completeTrials(study), committed + 10, "the study goes on where it stopped")
    }

    func testAFullFileSystemStopsTheRun() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        guard getuid() == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("CI runs as root and must mount a small tmpfs here") }
            throw XCTSkip("mounting a small tmpfs needs root")
        }
        let mount = try CommandLineTests.temporaryDirectory() + "/tiny"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        XCTAssertEqual(try shell("mount -t tmpfs -o size=8m tmpfs \(mount)"), 0)
        defer { _ = try? shell("umount -l \(mount)") }
        let (process, err) = try startLongStudy(mount + "/full.db")
        let stderr = finish(process, err, timeout: 60)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains(mount + "/full.db"), stderr)
        XCTAssertTrue(stderr.contains("full"), stderr)
        XCTAssertGreaterThan(try completeTrials(mount + "/full.db"), 10, "the committed trials are readable")
    }

    func testASecondRunOnARunningStudyJoinsItAsAWorker() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        let study = try CommandLineTests.temporaryDirectory() + "/shared.db"
        let first = Process()
        first.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        first.arguments = ["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark, "--budget", "4000",
                           "--storage", study]
        first.standardError = FileHandle.nullDevice
        try first.run()
        Thread.sleep(forTimeInterval: 1)
        let refused = try CommandLineTests.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark,
                                                   "--storage", study])
        XCTAssertEqual(refused.status, 2, "a new run on the name is refused")
        let second = try CommandLineTests.nasTUI(["run", "--headless", "--resume", "--storage", study])
        first.waitUntilExit()
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(first.terminationStatus, 0)
        let csv = try CommandLineTests.nasTUI(["export", "--storage", study, "--format", "csv"])
        let ids = csv.stdout.split(separator: "\n").dropFirst().map { $0.prefix { $0 != "," } }
        XCTAssertEqual(ids.count, 4000, "exactly the budget, no trial twice")
        XCTAssertEqual(Set(ids).count, 4000)
    }

    @discardableResult
    func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
