import Foundation
import Tensor

/// Predicts the forward latency of a space's networks on this machine (one image, evaluation
/// mode, no gradients, as `LatencyMeasurement.forwardMilliseconds` measures it) from a table of
/// profiled operations: the sum of the network's operations plus a fixed overhead.
///
/// The table holds each operation of the space at every shape where it occurs in the macro
/// network for the given input: darts: each edge operation × (channels, resolution, stride),
/// the cells' preprocessing (1x1 ReLUConvBN, FactorizedReduce), `none` zeros, node sums,
/// concatenations, stem and head; nb201: the five operations × three stages, node sums,
/// residual blocks, stem and head; chain: each resolved layer, timed when an architecture first
/// needs it. The overhead is the median over a few seeded sample networks of measured minus
/// summed latency. Operations and sample networks are timed in `profiler.rounds` rounds,
/// keeping the fastest time of each. Tables are cached per CPU model and thread count (see `LatencyCache`).
///
/// Usage: `let model = try LatencyModel.cached(space: space, inputShape: [1, 28, 28])`, then
/// `try model.predict(genotype)`. Thread-safe: calls are serialised.
public final class LatencyModel: @unchecked Sendable {
    public let space: SearchSpace
    /// [C, H, W] of one input image.
    public let inputShape: [Int]
    public let classes: Int
    /// Where `profile()` and on-demand timings are saved (nil: nowhere).
    public let cache: LatencyCache?
    public var profiler: LatencyProfiler
    /// Whether `predict` times operations the table lacks (else it throws naming them).
    public var profilesMissingOperations: Bool

    private var storedTable: LatencyTable
    /// Each item's table key, built once (a search predicts thousands of networks of the same items).
    private var keys: [LatencyItem: String] = [:]
    private let lock = NSLock()

    /// A model over `table` (for instance a hand-made one, or one loaded elsewhere).
    public init(space: SearchSpace, inputShape: [Int], classes: Int = 10, table: LatencyTable = LatencyTable(),
                cache: LatencyCache? = nil, profiler: LatencyProfiler = LatencyProfiler(), profilesMissingOperations: Bool = true) {
        self.space = space
        self.inputShape = inputShape
        self.classes = classes
        self.cache = cache
        self.profiler = profiler
        self.profilesMissingOperations = profilesMissingOperations
        storedTable = table
    }

    /// The model of this space, input and class count from `cache`; when the cache has no table
    /// for it (first run, another CPU model or thread count), profiles one and saves it.
    public static func cached(space: SearchSpace, inputShape: [Int], classes: Int = 10,
                              cache: LatencyCache = .standard, profiler: LatencyProfiler = LatencyProfiler()) throws -> LatencyModel {
        let model = LatencyModel(space: space, inputShape: inputShape, classes: classes, cache: cache, profiler: profiler)
        if let table = cache.load(signature: model.signature) {
            model.table = table
        } else {
            try model.profile()
        }
        return model
    }

    /// Names the space configuration a table is for: `darts C=16 L=5 input=1x28x28 classes=10`.
    public var signature: String {
        let configuration: String
        switch space {
        case let .darts(channels, layers): configuration = "darts C=\(channels) L=\(layers)"
        case let .nb201(channels, cells): configuration = "nb201 C=\(channels) N=\(cells)"
        case let .chain(chain): configuration = "chain \(chain.name)"
        }
        return "\(configuration) input=\(inputShape.map(String.init).joined(separator: "x")) classes=\(classes)"
    }

    /// The current table.
    public var table: LatencyTable {
        get { lock.lock(); defer { lock.unlock() }; return storedTable }
        set { lock.lock(); storedTable = newValue; lock.unlock() }
    }

    /// Times every operation of the space (chain: those of the calibration networks), fixes the
    /// overhead from the calibration networks, and saves the table to the cache.
    /// `afterRound(r)` runs after each of the `profiler.rounds` rounds (a benchmark measures its
    /// own networks there, in the same windows of time as the table).
    public func profile(afterRound: (Int) throws -> Void = { _ in }) throws {
        lock.lock()
        defer { lock.unlock() }
        var table = LatencyTable()
        let items = space.allLatencyItems(inputShape: inputShape, classes: classes) ?? []
        var runners: [(key: String, run: () throws -> Void)] = []
        for item in items {
            var generator = SeededGenerator(seed: 0)
            runners.append((item.key, try item.makeRunner(generator: &generator)))
        }
        // Calibration networks: seeded samples of the space, built once.
        var networks: [(Genotype, Module)] = []
        for seed in 1...max(1, profiler.calibrationNetworks) {
            var sampler = SeededGenerator(seed: UInt64(seed))
            let genotype = space.sample(using: &sampler)
            var generator = SeededGenerator(seed: 0)
            networks.append((genotype, try space.build(genotype, inputShape: inputShape, classes: classes, generator: &generator)))
        }
        var measured = [Double](repeating: .infinity, count: networks.count)
        for round in 0..<max(1, profiler.rounds) {
            for (key, run) in runners { table.entries[key] = min(table.entries[key] ?? .infinity, try profiler.milliseconds(run)) }
            for (i, network) in networks.enumerated() {
                let ms = try LatencyMeasurement.forwardMilliseconds(network.1, input: inputShape, runs: profiler.calibrationRuns)
                measured[i] = min(measured[i], ms)
            }
            try afterRound(round)
        }
        var overheads: [Double] = []
        for (i, network) in networks.enumerated() {
            overheads.append(measured[i] - (try sumOfOperations(network.0, in: &table, profileMissing: true)))
        }
        overheads.sort()
        table.overheadMilliseconds = overheads[overheads.count / 2]
        storedTable = table
        try? cache?.store(table, signature: signature)
    }

    /// The predicted forward latency of `genotype`'s network in milliseconds.
    public func predict(_ genotype: Genotype) throws -> Double {
        lock.lock()
        defer { lock.unlock() }
        let before = storedTable.entries.count
        let summed = try sumOfOperations(genotype, in: &storedTable, profileMissing: profilesMissingOperations)
        if storedTable.entries.count != before { try? cache?.store(storedTable, signature: signature) }
        return summed + storedTable.overheadMilliseconds
    }

    /// The operations of `genotype`'s network in forward order with their table times, and the
    /// overhead last (they sum to `predict`).
    public func breakdown(_ genotype: Genotype) throws -> [(operation: String, milliseconds: Double)] {
        _ = try predict(genotype)
        lock.lock()
        defer { lock.unlock() }
        let items = try space.latencyItems(genotype, inputShape: inputShape, classes: classes)
        return items.map { ($0.key, storedTable.entries[$0.key] ?? 0) } + [("overhead", storedTable.overheadMilliseconds)]
    }

    /// The operation keys of `genotype`'s network, in forward order with repeats.
    public func operations(of genotype: Genotype) throws -> [String] {
        try space.latencyItems(genotype, inputShape: inputShape, classes: classes).map(\.key)
    }

    private func sumOfOperations(_ genotype: Genotype, in table: inout LatencyTable, profileMissing: Bool) throws -> Double {
        var total = 0.0
        for item in try space.latencyItems(genotype, inputShape: inputShape, classes: classes) {
            let key: String
            if let known = keys[item] { key = known } else { key = item.key; keys[item] = key }
            if let ms = table.entries[key] {
                total += ms
                continue
            }
            guard profileMissing else {
                throw NASError("latency table for \(signature) has no entry '\(key)'; profile the space first")
            }
            let ms = try profiler.milliseconds(of: item)
            table.entries[key] = ms
            total += ms
        }
        return total
    }
}
