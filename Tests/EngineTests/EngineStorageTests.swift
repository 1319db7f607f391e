import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// Studies survive a crash; foreign files are refused untouched; exports round-trip.
final class EngineStorageTests: XCTestCase {
    func testResumeAfterSIGKILLFindsEveryCompletedTrial() throws {
        let binary = EngineTestSupport.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("\(binary) not built") }
        let directory = try EngineTestSupport.temporaryDirectory()
        let study = directory + "/study.db"
        let arguments = ["run", "--headless", "--space", "nb201", "--benchmark", EngineTestSupport.benchmarkPath,
                         "--strategy", "evolution", "--budget", "3000", "--storage", study]
        let first = Process()
        first.executableURL = URL(fileURLWithPath: binary)
        first.arguments = arguments
        first.standardError = FileHandle.nullDevice
        try first.run()
        var before: [Trial] = []
        XCTAssertTrue(EngineTestSupport.wait(timeout: 60) {
            before = (try? StudyStorage(path: study, create: false).loadTrials()) ?? []
            return before.filter { $0.status == .complete }.count >= 100
        })
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        before = try StudyStorage(path: study, create: false).loadTrials()
        XCTAssertLessThan(before.count, 3000, "killed before the budget was met")

        let second = Process()
        second.executableURL = URL(fileURLWithPath: binary)
        second.arguments = ["run", "--headless", "--resume", "--storage", study]
        second.standardError = FileHandle.nullDevice
        try second.run()
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        let after = try StudyStorage(path: study, create: false).loadTrials()
        XCTAssertEqual(after.count, 3000, "the budget is finished")
        let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.id, $0) })
        for trial in before where trial.status == .complete {
            XCTAssertEqual(byID[trial.id]?.accuracy, trial.accuracy, "trial \(trial.id)")
            XCTAssertEqual(byID[trial.id]?.genotype, trial.genotype)
        }
        XCTAssertEqual(Set(after.map(\.id)).count, 3000)
    }

    func testForeignAndNewerFilesAreRefusedUntouched() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let text = directory + "/notes.db"
        try "not a database".write(toFile: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StudyStorage(path: text, create: true)) { XCTAssertTrue("\($0)".contains("not a nas-tui study"), "\($0)") }
        XCTAssertEqual(try String(contentsOfFile: text, encoding: .utf8), "not a database")

        let newer = directory + "/newer.db"
        _ = try StudyStorage(path: newer, create: true)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [newer, "UPDATE meta SET value = '99' WHERE key = 'schema_version'"]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
            try sqlite.run(); sqlite.waitUntilExit()
            let size = try FileManager.default.attributesOfItem(atPath: newer)[.size] as? Int
            XCTAssertThrowsError(try StudyStorage(path: newer, create: false)) { XCTAssertTrue("\($0)".contains("newer nas-tui (schema 99"), "\($0)") }
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: newer)[.size] as? Int, size)
        }
    }

    func testStoredTrialsRoundTripAndExportFormatsParse() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let store = StateStore()
        let engine = try Engine(settings: EngineTestSupport.tabularSettings(budget: 30), storagePath: directory + "/s.db", resume: false, store: store)
        try engine.run()
        let trials = try StudyStorage(path: directory + "/s.db", create: false).loadTrials()
        XCTAssertEqual(trials.count, 30)
        let best = try XCTUnwrap(StudyExport.bestTrial(trials))
        for format in ["json", "nb201"] {
            let text = try StudyExport.best(best, format: format)
            XCTAssertEqual(try Genotype.parse(text), best.genotype, format)
        }
        XCTAssertThrowsError(try StudyExport.best(best, format: "darts"))
        let csv = StudyExport.csv(trials).split(separator: "\n")
        XCTAssertEqual(csv.count, 31)
        XCTAssertEqual(csv[0], "id,strategy,status,arch,accuracy,latency_ms,params,flops,epochs")
        let written = try StudyExport.writeBest(best, besideStorage: directory + "/s.db")
        XCTAssertEqual(written, [directory + "/s.best.json", directory + "/s.best.nb201.txt"])
        XCTAssertEqual(try Genotype.parse(String(contentsOfFile: written[0], encoding: .utf8)), best.genotype)
    }
}
