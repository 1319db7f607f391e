import Foundation
import XCTest
@testable import NAS
import Tensor

/// The latency table: its cache file, the decomposition of networks into operations, and
/// prediction as sum + overhead.
final class LatencyTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nas-tui-latency-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private let nb201Arch = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|"

    // MARK: cache

    func testCacheRoundTripAndFileName() throws {
        let cache = LatencyCache(directory: directory, cpuModel: "Test CPU(R) @ 2.0GHz", threads: 3)
        XCTAssertEqual(cache.fileURL.lastPathComponent, "latency-Test-CPU-R-2.0GHz-3\(LatencyCache.buildSuffix).json")
        XCTAssertNil(cache.load(signature: "darts C=4"))
        let a = LatencyTable(entries: ["x": 0.25, "y": 1.5], overheadMilliseconds: 0.125)
        let b = LatencyTable(entries: ["z": 2], overheadMilliseconds: -0.5)
        try cache.store(a, signature: "darts C=4")
        try cache.store(b, signature: "nb201 C=2")
        XCTAssertEqual(cache.load(signature: "darts C=4"), a)
        XCTAssertEqual(cache.load(signature: "nb201 C=2"), b)
        let json = try String(contentsOf: cache.fileURL, encoding: .utf8)
        XCTAssertTrue(json.contains("\"cpu\" : \"Test CPU(R) @ 2.0GHz\"") && json.contains("\"overhead_ms\""), json)
        // Another thread count is another file.
        XCTAssertNil(LatencyCache(directory: directory, cpuModel: "Test CPU(R) @ 2.0GHz", threads: 4).load(signature: "darts C=4"))
    }

    func testCacheIgnoresAFileOfAnotherMachineAndReprofiles() throws {
        let cache = LatencyCache(directory: directory, cpuModel: "Test CPU", threads: ThreadConfig.count)
        let space = SearchSpace.nb201(channels: 2, cellsPerStage: 1)
        let signature = LatencyModel(space: space, inputShape: [3, 8, 8]).signature
        // A file copied from another machine: same name, another CPU model inside.
        let foreign = LatencyCacheFile(version: LatencyCache.version, cpu: "Other CPU", threads: ThreadConfig.count,
                                       tables: [signature: LatencyTable(entries: ["stale": 99], overheadMilliseconds: 99)])
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(foreign).write(to: cache.fileURL)
        XCTAssertNil(cache.load(signature: signature))

        let model = try LatencyModel.cached(space: space, inputShape: [3, 8, 8], cache: cache, profiler: .quick)
        XCTAssertNil(model.table.entries["stale"])
        XCTAssertEqual(model.table.entries.count, space.allLatencyItems(inputShape: [3, 8, 8], classes: 10)!.count)
        XCTAssertTrue(model.table.entries.values.allSatisfy { $0 > 0 && $0.isFinite })
        let stored = try XCTUnwrap(cache.load(signature: signature))
        XCTAssertEqual(stored, model.table)

        // The next run reads the table back instead of profiling.
        let again = try LatencyModel.cached(space: space, inputShape: [3, 8, 8], cache: cache,
                                            profiler: LatencyProfiler(minSamples: 1, maxSamples: 1, budgetMilliseconds: 0))
        XCTAssertEqual(again.table, stored)
        let genotype = try space.parse(nb201Arch)
        XCTAssertEqual(try again.predict(genotype), try model.predict(genotype), accuracy: 1e-12)
    }

    // MARK: prediction

    /// nb201 C=2, N=1 at 3x8x8: the operations by hand, each with its own time.
    func testPredictionIsSumOfOperationsPlusOverheadForAHandMadeTable() throws {
        let space = SearchSpace.nb201(channels: 2, cellsPerStage: 1)
        func cell(_ c: Int, _ s: Int) -> [String] {
            let shape = "\(c)x\(s)x\(s)"
            return ["nb201 nor_conv_3x3 \(shape)", "zeros s1 \(shape)", "nb201 skip_connect \(shape)",
                    "nb201 nor_conv_1x1 \(shape)", "nb201 avg_pool_3x3 \(shape)", "sum 3 \(shape)"]
        }
        let expected = ["stem conv3x3+bn 3x8x8->2"] + cell(2, 8) + ["nb201 residual 2x8x8->4"] + cell(4, 4)
            + ["nb201 residual 4x4x4->8"] + cell(8, 2) + ["nb201 head 8x2x2->10"]
        var entries: [String: Double] = [:]
        for (i, key) in expected.enumerated() { entries[key] = Double(i + 1) / 8 }
        let model = LatencyModel(space: space, inputShape: [3, 8, 8], classes: 10,
                                 table: LatencyTable(entries: entries, overheadMilliseconds: 0.375),
                                 profilesMissingOperations: false)
        let genotype = try space.parse(nb201Arch)
        XCTAssertEqual(try model.operations(of: genotype), expected)
        let sum = (1...expected.count).reduce(0.0) { $0 + Double($1) / 8 }
        XCTAssertEqual(try model.predict(genotype), sum + 0.375, accuracy: 1e-12)
        let breakdown = try model.breakdown(genotype)
        XCTAssertEqual(breakdown.last?.operation, "overhead")
        XCTAssertEqual(breakdown.reduce(0) { $0 + $1.milliseconds }, sum + 0.375, accuracy: 1e-12)

        // A missing operation is an error naming it when on-demand profiling is off.
        var partial = entries
        partial["sum 3 4x4x4"] = nil
        let strict = LatencyModel(space: space, inputShape: [3, 8, 8], table: LatencyTable(entries: partial),
                                  profilesMissingOperations: false)
        XCTAssertThrowsError(try strict.predict(genotype)) { error in
            XCTAssertTrue("\(error)".contains("sum 3 4x4x4"), "\(error)")
        }
    }

    /// darts C=4, L=3 (reductions at cells 1 and 2) at 1x8x8: the walk follows the network.
    func testDartsDecompositionFollowsTheMacroNetwork() throws {
        let space = SearchSpace.darts(channels: 4, layers: 3)
        let genotype = Genotype.darts(.dartsV2)
        let keys = try LatencyModel(space: space, inputShape: [1, 8, 8]).operations(of: genotype)
        XCTAssertEqual(keys.count, 1 + 3 * (2 + 8 + 4 + 1) + 1)
        XCTAssertEqual(keys.first, "stem conv3x3+bn 1x8x8->12")
        XCTAssertEqual(Array(keys[1...2]), ["relu_conv_bn 1x1 12x8x8->4", "relu_conv_bn 1x1 12x8x8->4"])
        // Cell 1 reduces 8x8 → 4x4 at 8 channels; cell 2 (reducing again) preprocesses its first
        // input, at 8x8, with a factorized reduction.
        XCTAssertTrue(keys.contains("darts max_pool_3x3 s2 8x8x8"), "\(keys)")
        XCTAssertTrue(keys.contains("factorized_reduce 16x8x8->16"), "\(keys)")
        XCTAssertTrue(keys.contains("concat 4 16x2x2"), "\(keys)")
        XCTAssertEqual(keys.last, "darts head 64x2x2->10")
        // Every operation a darts network can contain is in the full list.
        let all = Set(space.allLatencyItems(inputShape: [1, 8, 8], classes: 10)!.map(\.key))
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<20 {
            let sample = space.sample(using: &generator)
            let missing = try Set(LatencyModel(space: space, inputShape: [1, 8, 8]).operations(of: sample)).subtracting(all)
            XCTAssertTrue(missing.isEmpty, "\(missing)")
        }
    }

    /// Profiling a tiny darts space fills the table, and predictions track measurements in size.
    func testProfilingATinyDartsSpace() throws {
        let space = SearchSpace.darts(channels: 2, layers: 2)
        let model = LatencyModel(space: space, inputShape: [1, 8, 8], profiler: .quick)
        try model.profile()
        XCTAssertEqual(model.table.entries.count, space.allLatencyItems(inputShape: [1, 8, 8], classes: 10)!.count)
        var generator = SeededGenerator(seed: 1)
        let predicted = try model.predict(space.sample(using: &generator))
        XCTAssertTrue(predicted > 0 && predicted.isFinite, "\(predicted)")
    }

    /// `profile` runs its rounds with `afterRound` after each, and everything it times runs on
    /// `LatencyMeasurement.threads` thread(s); the caller's thread count is restored.
    func testProfileRoundsAndLatencyThreads() throws {
        let previous = ThreadConfig.count
        ThreadConfig.set(2)
        defer { ThreadConfig.set(previous) }
        var profiler = LatencyProfiler.quick
        profiler.rounds = 3
        let model = LatencyModel(space: .darts(channels: 2, layers: 2), inputShape: [1, 8, 8], profiler: profiler)
        var rounds: [Int] = []
        try model.profile { rounds.append($0) }
        XCTAssertEqual(rounds, [0, 1, 2])
        var seen: [Int] = []
        _ = try profiler.milliseconds { seen.append(ThreadConfig.count) }
        XCTAssertEqual(Set(seen), [LatencyMeasurement.threads])
        XCTAssertEqual(ThreadConfig.count, 2)
        var generator = SeededGenerator(seed: 0)
        let net = Sequential([Linear(4, 2, generator: &generator)])
        _ = try LatencyMeasurement.forwardMilliseconds(net, input: [4], runs: 2)
        XCTAssertEqual(ThreadConfig.count, 2)
    }

    /// A chain architecture's layers are timed when first needed.
    func testChainLayersAreProfiledOnDemand() throws {
        let toml = """
            [space]
            name = "tiny"
            [[layer]]
            kind = "conv"
            kernel = 3
            channels = 4
            pool = "max"
            [[layer]]
            kind = "linear"
            units = 8
            """
        let chain = try ChainSpace(parsing: toml, file: "tiny.toml")
        let space = SearchSpace.chain(chain)
        let model = LatencyModel(space: space, inputShape: [1, 8, 8], profiler: .quick)
        var generator = SeededGenerator(seed: 0)
        let genotype = space.sample(using: &generator)
        XCTAssertEqual(try model.operations(of: genotype),
                       ["chain conv3x3 s1 relu pool=max 1x8x8->4", "chain flatten 4x4x4", "chain linear relu 64->8", "chain linear none 8->10"])
        XCTAssertGreaterThan(try model.predict(genotype), 0)
        XCTAssertEqual(model.table.entries.count, 4)
    }
}
