import Foundation
import XCTest

/// Named studies through the command line: refusing a duplicate name, listing studies, and a
/// training study killed in the middle of a trial that, resumed, meets its budget.
final class StudyCommandLineTests: XCTestCase {
    func testARunOnAnExistingStudyIsRefusedAndTheFileIsUnchanged() throws {
        let dir = try CommandLineTests.temporaryDirectory()
        let study = dir + "/search.db"
        let first = try CommandLineTests.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark,
                                    "--strategy", "random", "--budget", "20", "--storage", study])
        XCTAssertEqual(first.status, 0, first.stderr)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: study))
        let second = try CommandLineTests.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark,
                                     "--strategy", "tpe", "--budget", "30", "--seed", "4", "--storage", study])
        XCTAssertEqual(second.status, 2)
        XCTAssertEqual(second.stderr, "nas-tui: study search exists (20 trials); continue it with --resume, or choose --study\n")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: study)), bytes, "unchanged byte for byte")

        // Another name in the same file is a second study; `studies` lists both.
        let other = try CommandLineTests.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark,
                                    "--strategy", "tpe", "--budget", "7", "--storage", study, "--study", "tpe-7"])
        XCTAssertEqual(other.status, 0, other.stderr)
        let listing = try CommandLineTests.nasTUI(["studies", "--storage", study])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let lines = listing.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, listing.stdout)
        XCTAssertTrue(lines[0].hasPrefix("study   status    strategy  space  trials  complete  pruned  failed  running  best %"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("search  finished  random    nb201  20/20   20        0       0       0"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("tpe-7   finished  tpe       nb201  7/7     7         0       0       0"), lines[2])

        let json = try CommandLineTests.nasTUI(["studies", "--storage", study, "--json"])
        let objects = try json.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(objects.map { $0["name"] as? String }, ["search", "tpe-7"])
        XCTAssertEqual(objects.map { $0["complete"] as? Int }, [20, 7])
        XCTAssertEqual(objects.map { $0["status"] as? String }, ["finished", "finished"])
        let best = try XCTUnwrap(objects[1]["best"] as? Double)
        let exported = try CommandLineTests.nasTUI(["export", "--storage", study, "--study", "tpe-7", "--format", "json"])
        let genotype = try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(genotype["accuracy"] as? Double, best)
        XCTAssertEqual(genotype["trial"] as? Int, objects[1]["best_trial"] as? Int)

        let ambiguous = try CommandLineTests.nasTUI(["export", "--storage", study, "--study", "nope"])
        XCTAssertEqual(ambiguous.status, 2)
        XCTAssertEqual(ambiguous.stderr, "nas-tui: \(study): no study named nope; studies here: search, tpe-7\n")
    }

    func testAStudyKilledInATrialAndResumedMeetsItsBudgetInCompleteTrials() throws {
        let dir = try CommandLineTests.temporaryDirectory()
        let study = dir + "/train.db"
        let arguments = ["run", "--headless", "--json", "--space", "darts", "--dataset", "synthetic:1x12x12", "--channels", "4",
                         "--layers", "3", "--train-limit", "1500", "--validation-limit", "64", "--epochs", "2", "--pruner", "none",
                         "--budget", "4", "--storage", study]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once the second trial has made progress (after one finished trial).
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }  // the end of its output: the run ended by itself
            seen += String(decoding: data, as: UTF8.self)
            // A trial's first progress event comes at once: trial 2 has run its first epoch.
            if seen.contains("\"event\":\"trial\"") && seen.contains("\"trial\":2") { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let resumed = try CommandLineTests.nasTUI(["run", "--headless", "--json", "--resume", "--storage", study])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resumed: trial 2 had not finished: marked failed (not counted) and evaluated again"), resumed.stderr)
        let csv = try CommandLineTests.nasTUI(["export", "--storage", study, "--format", "csv"])
        // id,strategy,status,"arch",accuracy,...: the quoted DARTS string holds commas.
        let rows = csv.stdout.split(separator: "\n").dropFirst().map { line -> (id: String, status: String, arch: String) in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let quotes = line.firstIndex(of: "\"")!..<line.lastIndex(of: "\"")!
            return (String(fields[0]), String(fields[2]), String(line[quotes]))
        }
        XCTAssertEqual(rows.filter { $0.status == "complete" }.count, 4, csv.stdout)
        XCTAssertEqual(rows.filter { $0.status == "failed" }.map(\.id), ["2"], csv.stdout)
        let retried = rows.first { $0.id == "2" }!.arch
        XCTAssertEqual(rows.filter { $0.arch == retried }.map(\.id), ["2", "3"], "the interrupted architecture ran again, next")
        let listing = try CommandLineTests.nasTUI(["studies", "--storage", study, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["complete"] as? Int, 4)
        XCTAssertEqual(object["failed"] as? Int, 1)
        XCTAssertEqual(object["status"] as? String, "finished")
    }
}
