import Foundation
import PostgresTestSupport
import XCTest

/// Studies on a PostgreSQL server the tests start, worked by several `nas-tui` processes:
/// the budget exact across workers, a worker killed in a trial, the server restarted under
/// the workers, bad URLs and servers.
final class PostgresWorkerTests: PostgresServerTestCase {
    /// A fresh database, once the release binary these tests drive is there.
    func database() throws -> (url: String, server: PostgresTestServer) {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("\(CommandLineTests.binary) not built") }
        return try freshDatabase()
    }

    static var fullTable: String { CommandLineTests.repository.appendingPathComponent("demo/benchmarks/nb201_full.csv").path }

    /// A nas-tui process in the background, its stderr in a file.
    final class Background {
        let process = Process()
        let log = NSTemporaryDirectory() + "nas-tui-pg-\(UUID().uuidString).log"

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
            process.arguments = arguments
            process.currentDirectoryURL = CommandLineTests.repository
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        var stderr: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        var pid: Int32 { process.processIdentifier }

        /// Waits for the exit; nil when it did not end within `timeout` seconds (it is then killed).
        func wait(timeout: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(pid, SIGKILL); process.waitUntilExit(); return nil }
            return process.terminationStatus
        }

        deinit {
            if process.isRunning { kill(pid, SIGKILL); process.waitUntilExit() }
            try? FileManager.default.removeItem(atPath: log)
        }
    }

    /// Every trial of a study as exported: id → (status, arch, accuracy).
    func exported(_ url: String, study: String) throws -> [Int: (status: String, arch: String, accuracy: Double?)] {
        let csv = try CommandLineTests.nasTUI(["export", "--storage", url, "--study", study, "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        var rows: [Int: (String, String, Double?)] = [:]
        for line in csv.stdout.split(whereSeparator: \.isNewline).dropFirst() {
            let open = line.firstIndex(of: "\"")!, close = line.lastIndex(of: "\"")!
            let head = line[..<open].split(separator: ",", omittingEmptySubsequences: false)
            let tail = line[line.index(after: close)...].split(separator: ",", omittingEmptySubsequences: false)
            let id = Int(head[0])!
            XCTAssertNil(rows[id], "trial \(id) exported twice")
            rows[id] = (String(head[2]), String(line[line.index(after: open)..<close]), Double(tail[1]))
        }
        return rows
    }

    /// Waits until `nas-tui studies` lists `study` in `url`.
    func waitForStudy(_ url: String, _ study: String, timeout: Double = 60) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let list = try CommandLineTests.nasTUI(["studies", "--storage", url])
            if list.status == 0 && list.stdout.contains(study) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    func testThreeWorkersMeetABudgetOf3000ExactlyWithTheTablesAccuracies() throws {
        let (url, _) = try database()
        let run = try Background(["run", "--headless", "--storage", url, "--study", "shared", "--space", "nb201", "--strategy", "random",
                                  "--benchmark", Self.fullTable, "--budget", "3000", "--seed", "7"])
        XCTAssertTrue(try waitForStudy(url, "shared"), run.stderr)
        let workers = try (0..<2).map { _ in try Background(["worker", "--storage", url, "--study", "shared"]) }
        XCTAssertEqual(run.wait(timeout: 300), 0, run.stderr)
        for worker in workers { XCTAssertEqual(worker.wait(timeout: 60), 0, worker.stderr) }
        XCTAssertFalse(run.stderr.contains("s3cret"), "the password is never printed")
        let rows = try exported(url, study: "shared")
        XCTAssertEqual(rows.count, 3000)
        XCTAssertEqual(Set(rows.keys), Set(1...3000), "no id twice, none missing")
        XCTAssertEqual(rows.values.filter { $0.status == "complete" }.count, 3000)
        // Every accuracy is the table's (cifar10_val_acc, in percent there).
        var table: [String: Double] = [:]
        // (The table's lines end in CRLF, one Character in Swift: split on any newline.)
        for line in try String(contentsOfFile: Self.fullTable, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            table[String(cells[1])] = Double(cells[2])
        }
        for (id, row) in rows {
            let expected = try XCTUnwrap(table[row.arch], "trial \(id): \(row.arch) is not in the table")
            XCTAssertEqual(try XCTUnwrap(row.accuracy) * 100, expected, accuracy: 1e-3, "trial \(id) \(row.arch)")
        }
        // Each of the three processes took part.
        let server = try XCTUnwrap(Self.server)
        let workerCount = server.psql("SELECT COUNT(DISTINCT worker) FROM nas_tui.trials", database: PostgresTestServer.database(of: url))
        XCTAssertEqual(workerCount, "3\n")
    }

    func testAWorkerKilledInATrialHasItsArchitectureEvaluatedAgainElsewhere() throws {
        let (url, server) = try database()
        let db = PostgresTestServer.database(of: url)
        let training = ["--space", "darts", "--strategy", "random", "--dataset", "synthetic:1x12x12", "--channels", "4", "--layers", "3",
                        "--train-limit", "4096", "--validation-limit", "64", "--epochs", "2", "--pruner", "none", "--threads", "1"]
        let run = try Background(["run", "--headless", "--storage", url, "--study", "train", "--budget", "6"] + training)
        XCTAssertTrue(try waitForStudy(url, "train"), run.stderr)
        let workers = try (0..<2).map { _ in try Background(["worker", "--storage", url, "--study", "train", "--threads", "1"]) }
        // The victim: a worker in the middle of a trial (it has a running trial with an epoch stored or not).
        var victim: Background?
        var killedTrial = 0
        let deadline = Date().addingTimeInterval(120)
        while victim == nil && Date() < deadline {
            for worker in workers {
                let running = server.psql("SELECT id FROM nas_tui.trials WHERE status = 'running' AND worker LIKE '%:\(worker.pid):%'", database: db)
                if let id = Int(running.split(separator: "\n").first ?? "") { victim = worker; killedTrial = id; break }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let killed = try XCTUnwrap(victim, "no worker started a trial")
        // Killed at once: a trial of 4,096 images for 2 epochs lasts seconds even on a quiet machine.
        kill(killed.pid, SIGKILL)
        XCTAssertEqual(killed.wait(timeout: 10), SIGKILL, "killed, not finished")
        XCTAssertEqual(run.wait(timeout: 300), 0, run.stderr)
        for worker in workers where worker !== killed { XCTAssertEqual(worker.wait(timeout: 120), 0, worker.stderr) }
        let rows = try exported(url, study: "train")
        XCTAssertEqual(rows.values.filter { $0.status == "complete" }.count, 6, "the budget is met in complete trials")
        let lost = try XCTUnwrap(rows[killedTrial])
        XCTAssertEqual(lost.status, "failed")
        let retry = server.psql("SELECT id, worker FROM nas_tui.trials WHERE retry_of = \(killedTrial) AND status = 'complete'", database: db)
        let fields = retry.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        XCTAssertEqual(fields.count, 2, "the killed trial's architecture was evaluated again: \(retry)")
        if fields.count == 2 {
            XCTAssertEqual(rows[Int(fields[0])!]?.arch, lost.arch, "the same architecture")
            XCTAssertFalse(fields[1].contains(":\(killed.pid):"), "by another worker")
        }
        let note = server.psql("SELECT note FROM nas_tui.trials WHERE id = \(killedTrial)", database: db)
        XCTAssertEqual(note, "interrupted: the process ended before the trial finished\n")
    }

    func testWorkersRideOutAServerRestartAndTheStudyCompletes() throws {
        let (url, server) = try database()
        let run = try Background(["run", "--headless", "--storage", url, "--study", "restart", "--space", "nb201", "--strategy", "random",
                                  "--benchmark", Self.fullTable, "--budget", "6000", "--seed", "3"])
        XCTAssertTrue(try waitForStudy(url, "restart"), run.stderr)
        let worker = try Background(["worker", "--storage", url, "--study", "restart"])
        let db = PostgresTestServer.database(of: url)
        XCTAssertTrue(waitFor(timeout: 60) { (Int(server.psql("SELECT COUNT(*) FROM nas_tui.trials", database: db).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 300 })
        let before = Int(server.psql("SELECT COUNT(*) FROM nas_tui.trials WHERE status = 'complete'", database: db).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertEqual(server.control("down").0, 0)
        Thread.sleep(forTimeInterval: 2)
        XCTAssertEqual(server.control("up").0, 0)
        let codes = [run.wait(timeout: 300), worker.wait(timeout: 300)]
        // Each worker reconnects and goes on (exit 0), or gives up with exit 1 naming the server.
        for (code, process) in zip(codes, [run, worker]) {
            XCTAssertTrue(code == 0 || (code == 1 && process.stderr.contains("127.0.0.1:\(server.port)")), "exit \(code.map(String.init) ?? "none"): \(process.stderr.suffix(2000))")
            XCTAssertFalse(process.stderr.contains(server.password))
        }
        if codes.contains(1) {
            let again = try Background(["worker", "--storage", url, "--study", "restart"])
            XCTAssertEqual(again.wait(timeout: 300), 0, again.stderr)
        }
        let rows = try exported(url, study: "restart")
        XCTAssertGreaterThan(before, 0)
        XCTAssertEqual(rows.values.filter { $0.status == "complete" }.count, 6000, "the study completes")
        XCTAssertEqual(codes, [0, 0], "both reconnected: \(run.stderr.suffix(1000)) \(worker.stderr.suffix(1000))")
    }

    func testBadURLsServersAndDatabasesExitTwoNamingTheURLWithoutItsPassword() throws {
        let (url, server) = try database()
        let cases: [(String, String)] = [
            ("postgresql://nastui:s3cret-pw@127.0.0.1:99999/nastui", "postgresql://nastui:***@127.0.0.1:99999/nastui: not a PostgreSQL storage URL (port '99999' is not 1 to 65535)"),
            ("postgresql://nastui:s3cret-pw@127.0.0.1:1/nastui", "postgresql://nastui:***@127.0.0.1:1/nastui: cannot connect to a PostgreSQL server at 127.0.0.1:1"),
            (server.url(password: "wrong-pw"), "postgresql://nastui:***@127.0.0.1:\(server.port)/nastui: the server at 127.0.0.1:\(server.port) refused the credentials of user nastui"),
            (url, "\(url.replacingOccurrences(of: ":s3cret-pw@", with: ":***@")): the database holds no nas-tui schema"),
        ]
        for (storage, expected) in cases {
            let commands: [[String]] = [["worker", "--storage", storage], ["studies", "--storage", storage], ["export", "--storage", storage],
                                        ["enqueue", "--storage", storage, "--arch", "x"], ["view", "--storage", storage],
                                        ["attach", "--storage", storage]]
            for command in commands {
                let result = try CommandLineTests.nasTUI(command)
                XCTAssertEqual(result.status, 2, "\(command[0]) \(storage): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(expected), "\(command[0]): \(result.stderr)")
                XCTAssertFalse(result.stderr.contains("s3cret-pw") || result.stderr.contains("wrong-pw"), result.stderr)
            }
        }
        // run creates the schema in an empty database, and refuses bad URLs the same way.
        let bad = try CommandLineTests.nasTUI(["run", "--headless", "--storage", cases[1].0, "--space", "nb201", "--benchmark", CommandLineTests.benchmark])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains(cases[1].1), bad.stderr)
        let made = try CommandLineTests.nasTUI(["run", "--headless", "--storage", url, "--space", "nb201", "--benchmark", CommandLineTests.benchmark, "--budget", "5"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let list = try CommandLineTests.nasTUI(["studies", "--storage", url])
        XCTAssertTrue(list.stdout.contains("default"), list.stdout)
        let again = try CommandLineTests.nasTUI(["run", "--headless", "--storage", url, "--space", "nb201", "--benchmark", CommandLineTests.benchmark, "--budget", "5"])
        XCTAssertEqual(again.status, 2, "an existing study is refused")
        XCTAssertTrue(again.stderr.contains("study default exists (5 trials)"), again.stderr)
    }

    func waitFor(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
