import Foundation
import NAS
import XCTest
@testable import Search

/// The shipped table of all 15,625 NAS-Bench-201 cells (demo/benchmarks/nb201_full.csv).
final class NB201FullTableTests: XCTestCase {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../demo/benchmarks/nb201_full.csv").standardized.path
    /// Loaded once for the class (a few seconds in a debug build).
    static let table = Result { try TabularBenchmark(contentsOfFile: path) }

    /// The file's own lines, split by hand (no field of this file is quoted).
    static let rows: [[String]] = {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }()

    func column(_ name: String) throws -> Int { try XCTUnwrap(Self.rows.first?.firstIndex(of: name), "no column \(name)") }

    func testEveryRowsIndexAndArchAgreeWithTheNB201Parser() throws {
        let table = try Self.table.get()
        XCTAssertEqual(table.entries.count, NB201Architecture.spaceSize)
        XCTAssertEqual(Self.rows.count, NB201Architecture.spaceSize + 1)
        let archColumn = try column("arch"), indexColumn = try column("index")
        var ourIndices = Set<Int>()
        for (i, entry) in table.entries.enumerated() {
            let fields = Self.rows[i + 1]
            XCTAssertEqual(entry.index, i, "line \(i + 2): the benchmark's index, in file order")
            XCTAssertEqual(entry.index, Int(fields[indexColumn]), "line \(i + 2)")
            guard case .nb201(let cell) = entry.genotype else { return XCTFail("line \(i + 2): not an nb201 cell") }
            XCTAssertEqual(cell.nb201String, fields[archColumn], "line \(i + 2): the parsed cell prints as the file's string")
            XCTAssertEqual(try NB201Architecture(nb201String: fields[archColumn]), cell, "line \(i + 2)")
            ourIndices.insert(cell.index)
        }
        XCTAssertEqual(ourIndices.count, NB201Architecture.spaceSize, "every cell of the space, once")
    }

    func testColumnsDevicesAndFidelities() throws {
        let table = try Self.table.get()
        XCTAssertEqual(table.accuracyColumns, ["cifar10_val_acc"])
        XCTAssertEqual(table.devices, ["raspi4", "pixel3", "pixel2", "samsung_a50", "samsung_s7", "fpga", "eyeriss",
                                       "gold_6240", "silver_4210r", "2080ti_1", "titanxp_32"])
        XCTAssertEqual(table.fidelityColumns.map(\.column), ["cifar10_val_acc_epoch12", "cifar100_val_acc_epoch12",
                                                              "imagenet16_val_acc_epoch12"])
        XCTAssertEqual(table.fidelityColumns.map(\.epochs), [12, 12, 12])
        let best = try XCTUnwrap(table.entries.max { $0.accuracies["cifar10_val_acc"]! < $1.accuracies["cifar10_val_acc"]! })
        XCTAssertEqual(best.accuracies["cifar10_val_acc"]!, 0.91607, accuracy: 1e-9, "the README's optimum")
        let objective = try TabularObjective(benchmark: table)
        XCTAssertEqual(objective.fidelityLevels, [12, 200])
        XCTAssertNil(try objective.evaluate(best.genotype).latencyMs, "no latency_ms column: without --device no latency")
    }

    /// `--device NAME` reads `latency_NAME_ms` exactly as written, on every row and device; the
    /// cheap fidelity and the cost come from their columns too.
    func testDeviceColumnsAreUsedVerbatim() throws {
        let table = try Self.table.get()
        let secondsColumn = try column("train_seconds"), cheapColumn = try column("cifar10_val_acc_epoch12")
        for device in table.devices {
            let objective = try TabularObjective(benchmark: table, device: device)
            let latencyColumn = try column("latency_\(device)_ms")
            for (i, entry) in table.entries.enumerated() where i % 7 == 0 || device == "raspi4" {
                let fields = Self.rows[i + 1]
                XCTAssertEqual(objective.lookup(entry.genotype)?.latencyMs, Double(fields[latencyColumn]), "line \(i + 2), \(device)")
            }
        }
        let objective = try TabularObjective(benchmark: table, device: "pixel3")
        for (i, entry) in table.entries.enumerated() {
            let fields = Self.rows[i + 1]
            XCTAssertEqual(objective.lookup(entry.genotype, fidelity: 12)?.accuracy, Double(fields[cheapColumn])! / 100, "line \(i + 2)")
            let seconds = Double(fields[secondsColumn])!
            XCTAssertEqual(objective.costSeconds(entry.genotype, fidelity: nil), seconds, "line \(i + 2)")
            XCTAssertEqual(objective.costSeconds(entry.genotype, fidelity: 12)!, seconds * 12 / 200, accuracy: 1e-9, "line \(i + 2)")
        }
    }

    func testUnknownDeviceListsTheTablesDevices() throws {
        let table = try Self.table.get()
        XCTAssertThrowsError(try TabularObjective(benchmark: table, device: "pixel9")) { error in
            XCTAssertEqual("\(error)", "device 'pixel9': \(Self.path) has no column latency_pixel9_ms; accepted: raspi4, pixel3, pixel2, "
                + "samsung_a50, samsung_s7, fpga, eyeriss, gold_6240, silver_4210r, 2080ti_1, titanxp_32")
        }
        XCTAssertThrowsError(try TabularObjective(benchmark: table).evaluate(table.entries[0].genotype, fidelity: 36)) { error in
            XCTAssertTrue("\(error)".contains("no 36-epoch column for cifar10_val_acc; fidelities here: 12, 200 epochs"), "\(error)")
        }
    }

    func testLowFidelityColumnsMustNameAnAccuracyColumn() throws {
        let url = try temporaryDirectory().appendingPathComponent("bad.csv")
        try "arch,cifar10_val_acc,params_epoch12\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10,3\n"
            .write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TabularBenchmark(contentsOfFile: url.path)) { error in
            XCTAssertTrue("\(error)".contains("\(url.path):1: column 'params_epoch12': expected ACCURACY_epochN"), "\(error)")
        }
    }
}
