import Foundation
import XCTest

/// Kill studies with SIGKILL at random moments and resume them each time: every committed trial
/// survives unchanged, every resume starts, and the budget ends met in finished trials.
/// The moments come from a seeded generator (the seed is printed, NAS_TUI_CRASH_SEED repeats it).
final class CrashCampaignTests: XCTestCase {
    /// SplitMix64: reproducible kill moments.
    struct Moments {
        var state: UInt64
        mutating func next(in range: ClosedRange<Double>) -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return range.lowerBound + Double(z >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
        }
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["NAS_TUI_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64(Date().timeIntervalSince1970)
    }

    /// One study row of the CSV export: id, status, the quoted architecture and the accuracy.
    struct Row: Equatable { let status: String, arch: String, accuracy: String }

    func rows(_ study: String) throws -> [Int: Row] {
        let csv = try CommandLineTests.nasTUI(["export", "--storage", study, "--format", "csv"])
        guard csv.status == 0 else { return [:] }
        var rows: [Int: Row] = [:]
        for line in csv.stdout.split(separator: "\n").dropFirst() {
            let open = line.firstIndex(of: "\"")!, close = line.lastIndex(of: "\"")!
            let head = line[..<open].split(separator: ",", omittingEmptySubsequences: false)
            let tail = line[line.index(after: close)...].split(separator: ",", omittingEmptySubsequences: false)
            rows[Int(head[0])!] = Row(status: String(head[2]), arch: String(line[open...close]), accuracy: String(tail[1]))
        }
        return rows
    }

    /// Starts `arguments`, kills it `seconds` after `started()` first holds (at once without it)
    /// unless it ended; returns whether it was killed and how long it lived.
    func runAndKill(_ arguments: [String], after seconds: Double, startedWhen started: (() -> Bool)? = nil) throws -> (killed: Bool, lived: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = arguments
        process.currentDirectoryURL = CommandLineTests.repository
        // stderr goes to a file: a pipe nobody reads would fill and block the run.
        let log = NSTemporaryDirectory() + "nas-tui-crash-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? FileManager.default.removeItem(atPath: log) }
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        if let started { while process.isRunning && !started() { Thread.sleep(forTimeInterval: 0.005) } }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let lived = Date().timeIntervalSince(start)
        try handle.close()
        if !killed {
            let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            XCTAssertEqual(process.terminationStatus, 0, "a resume ended by itself with an error: \(stderr.suffix(2000))")
        }
        return (killed, lived)
    }

    /// Kills and resumes `study` `kills` times, checking after each kill that nothing committed changed.
    /// The moments adapt to the machine's speed: each is drawn from `moments`, shortened where a run
    /// this machine's measured trial rate would finish earlier, so that the budget lasts the campaign
    /// (half of what is left spread over the rounds to come; the last resume does the rest).
    func campaign(_ first: [String], study: String, budget: Int, kills: Int, moments: ClosedRange<Double>, seed: UInt64,
                  beforeTheLastResume: () -> Void = {}) throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        print("crash campaign seed \(seed) (NAS_TUI_CRASH_SEED=\(seed) repeats it)")
        var generator = Moments(state: seed)
        var committed: [Int: Row] = [:]
        var killed = 0
        var aliveSeconds = 0.0
        func complete(_ rows: [Int: Row]) -> Int { rows.values.filter { $0.status == "complete" }.count }
        for round in 0..<kills {
            let arguments = round == 0 ? first : ["run", "--headless", "--resume", "--storage", study]
            var range = moments
            let done = complete(committed)
            if done > 0 {
                let rate = Double(done) / aliveSeconds
                let share = Double(max(budget - done, 0)) / rate / Double(2 * (kills - round))
                let upper = min(moments.upperBound, share)
                range = min(moments.lowerBound, upper / 2)...upper
            }
            let moment = generator.next(in: range)
            // The first run is killed only once its study exists (one trial exported): a run
            // killed before that leaves no study to resume.
            let run = try runAndKill(arguments, after: moment, startedWhen: round == 0 ? { !((try? self.rows(study)) ?? [:]).isEmpty } : nil)
            if run.killed { killed += 1 }
            aliveSeconds += run.lived
            let now = try rows(study)
            for (id, row) in committed where row.status != "running" {
                XCTAssertEqual(now[id], row, "trial \(id) changed after kill \(round + 1)")
            }
            committed = now
        }
        beforeTheLastResume()
        let last = try CommandLineTests.nasTUI(["run", "--headless", "--resume", "--storage", study])
        XCTAssertEqual(last.status, 0, last.stderr)
        let final = try rows(study)
        for (id, row) in committed where row.status != "running" { XCTAssertEqual(final[id], row, "trial \(id)") }
        let listing = try CommandLineTests.nasTUI(["studies", "--storage", study, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["status"] as? String, "finished")
        // No pruner and no failing architecture here: every failed trial is an interrupted attempt,
        // which does not count, unless the same architecture was interrupted maximumAttempts
        // times (kills that keep landing in one long trial): its last attempt counts as failed.
        // So the budget is met in complete trials plus those.
        XCTAssertEqual(object["budget"] as? Int, budget)
        let attempts = Dictionary(grouping: final.values, by: \.arch)
        let givenUp = attempts.values.filter { rows in
            !rows.contains { $0.status == "complete" } && rows.filter { $0.status == "failed" }.count >= 3
        }.count
        XCTAssertEqual(final.values.filter { $0.status == "complete" }.count + givenUp, budget,
                       "the budget is met in complete trials and architectures interrupted three times")
        XCTAssertLessThanOrEqual(final.values.filter { $0.status == "failed" }.count, kills, "at most one interrupted trial a kill")
        XCTAssertFalse(final.values.contains { $0.status == "running" })
        print("crash campaign: \(killed) of \(kills) runs killed, \(final.count) trials, budget \(budget)")
        XCTAssertGreaterThanOrEqual(killed, kills * 2 / 3, "most moments fell inside a run")
    }

    func testATabularStudyKilledThirtyTimes() throws {
        let dir = try CommandLineTests.temporaryDirectory()
        let study = dir + "/tabular.db"
        try campaign(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark, "--strategy", "evolution",
                      "--budget", "5000", "--storage", study],
                     study: study, budget: 5000, kills: 30, moments: 0.05...0.35, seed: Self.seed)
    }

    func testATrainingStudyKilledTenTimes() throws {
        let dir = try CommandLineTests.temporaryDirectory()
        let study = dir + "/training.db"
        try campaign(["run", "--headless", "--space", "darts", "--dataset", "synthetic:1x12x12", "--channels", "4", "--layers", "3",
                      "--train-limit", "600", "--validation-limit", "64", "--epochs", "2", "--pruner", "none", "--budget", "30",
                      "--storage", study],
                     study: study, budget: 30, kills: 10, moments: 0.5...2.0, seed: Self.seed &+ 1)
    }

    func testKilledWhileAnotherProcessWritesCommands() throws {
        let dir = try CommandLineTests.temporaryDirectory()
        let study = dir + "/attached.db"
        let archs = ["|nor_conv_1x1~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|",
                     "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|"]
        // Another process writes into the study all along: enqueues (queue and command log).
        final class Writer: @unchecked Sendable {
            let lock = NSLock()
            var stop = false, accepted = 0
        }
        let writer = Writer()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            var next = 0
            while !writer.lock.withLock({ writer.stop }) {
                if FileManager.default.fileExists(atPath: study),
                   let run = try? CommandLineTests.nasTUI(["enqueue", "--storage", study, "--arch", archs[next % 2]]), run.status == 0 {
                    writer.lock.withLock { writer.accepted += 1 }
                }
                next += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        thread.start()
        try campaign(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark, "--strategy", "tpe",
                      "--budget", "3000", "--storage", study],
                     study: study, budget: 3000, kills: 10, moments: 0.05...0.3, seed: Self.seed &+ 2) {
            writer.lock.withLock { writer.stop = true }
            done.wait()
        }
        XCTAssertGreaterThan(writer.lock.withLock { writer.accepted }, 5, "the other process did write")
    }
}
