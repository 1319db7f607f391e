import NAS

/// Looks architectures up in a `TabularBenchmark`: accuracy from one of its accuracy columns,
/// params, FLOPs and latency as the table gives them (latency from one device's column with
/// `device`), fitness optionally penalised for latency. When the table has low-fidelity columns
/// of the metric (`METRIC_epochN`), `evaluate(_:fidelity:)` looks the cheap value up, and
/// `costSeconds` gives what a query costs at each fidelity.
public struct TabularObjective: Objective, Sendable {
    public let benchmark: TabularBenchmark
    /// The accuracy column used.
    public let metric: String
    /// The latency penalty, when searching under a latency target.
    public let hardware: HardwareAwareObjective?
    /// The device whose `latency_DEVICE_ms` column gives the latency; nil: the `latency_ms` column.
    public let device: String?
    /// The metric's low-fidelity columns, fewest epochs first.
    public let fidelityColumns: [TabularBenchmark.FidelityColumn]

    /// Uses `metric`, by default the first of cifar10_val_acc, cifar100_val_acc,
    /// imagenet16_val_acc present (else the table's first accuracy column), and the latency of
    /// `device`. Throws when the table has no such column or device, naming the ones it has.
    public init(benchmark: TabularBenchmark, metric: String? = nil, hardware: HardwareAwareObjective? = nil,
                device: String? = nil) throws {
        let columns = benchmark.accuracyColumns
        if let metric {
            guard columns.contains(metric) else {
                throw SearchError("\(benchmark.file): no accuracy column '\(metric)'; the table has \(columns.joined(separator: ", "))")
            }
            self.metric = metric
        } else {
            self.metric = TabularBenchmark.standardAccuracyColumns.first(where: columns.contains) ?? columns[0]
        }
        if let device {
            guard benchmark.devices.contains(device) else {
                throw SearchError("device '\(device)': \(benchmark.file) has no column latency_\(device)_ms; accepted: "
                    + (benchmark.devices.isEmpty ? "none (the table has no latency_DEVICE_ms columns; leave --device out)"
                                                 : benchmark.devices.joined(separator: ", ")))
            }
        }
        self.benchmark = benchmark
        self.hardware = hardware
        self.device = device
        let metricName = self.metric
        fidelityColumns = benchmark.fidelityColumns.filter { $0.metric == metricName && $0.epochs < TabularBenchmark.fullEpochs }
            .sorted { $0.epochs < $1.epochs }
    }

    /// The fidelities (epochs) a query can be made at, cheapest first; the last is the full
    /// schedule (`TabularBenchmark.fullEpochs`).
    public var fidelityLevels: [Int] { fidelityColumns.map(\.epochs) + [TabularBenchmark.fullEpochs] }

    /// The table's figures for `genotype`, or nil when the table does not list it or has no
    /// value in the metric column for it.
    public func lookup(_ genotype: Genotype) -> Evaluation? {
        lookup(genotype, fidelity: nil)
    }

    /// The figures at `fidelity` epochs (nil or the full schedule: the metric column; else the
    /// metric's `_epochN` column for that N).
    public func lookup(_ genotype: Genotype, fidelity: Int?) -> Evaluation? {
        guard let entry = benchmark.entry(for: genotype) else { return nil }
        let accuracy: Double?
        if let fidelity, fidelity != TabularBenchmark.fullEpochs {
            accuracy = fidelityColumns.first(where: { $0.epochs == fidelity }).flatMap { entry.lowFidelity[$0.column] }
        } else {
            accuracy = entry.accuracies[metric]
        }
        guard let accuracy else { return nil }
        let latency = device.map { entry.deviceLatencyMs[$0] } ?? entry.latencyMs
        let evaluation = Evaluation(accuracy: accuracy, latencyMs: latency, parameters: entry.parameters, flops: entry.flops)
        return hardware?.apply(to: evaluation) ?? evaluation
    }

    /// The simulated seconds of a query at `fidelity` epochs (nil: full): the table's
    /// `train_seconds` scaled by fidelity / `fullEpochs`; nil when the table has no such value.
    public func costSeconds(_ genotype: Genotype, fidelity: Int?) -> Double? {
        guard let seconds = benchmark.entry(for: genotype)?.trainSeconds else { return nil }
        return seconds * Double(fidelity ?? TabularBenchmark.fullEpochs) / Double(TabularBenchmark.fullEpochs)
    }

    /// `lookup`, throwing a message naming the architecture and the table when it is missing.
    public func evaluate(_ genotype: Genotype) throws -> Evaluation {
        try evaluate(genotype, fidelity: nil)
    }

    /// `lookup(_:fidelity:)`, throwing a message naming the architecture, the table and the column when it is missing.
    public func evaluate(_ genotype: Genotype, fidelity: Int?) throws -> Evaluation {
        if let evaluation = lookup(genotype, fidelity: fidelity) { return evaluation }
        if let fidelity, fidelity != TabularBenchmark.fullEpochs, !fidelityColumns.contains(where: { $0.epochs == fidelity }) {
            throw SearchError("\(benchmark.file): no \(fidelity)-epoch column for \(metric); fidelities here: "
                + fidelityLevels.map(String.init).joined(separator: ", ") + " epochs")
        }
        if let entry = benchmark.entry(for: genotype) {
            throw SearchError("\(benchmark.file):\(entry.line): \(genotype.summary.prefix(80)) has no value in column "
                + (fidelity.flatMap { f in fidelityColumns.first { $0.epochs == f }?.column } ?? metric))
        }
        throw SearchError("\(genotype.summary.prefix(80)) is not in the table \(benchmark.file) "
            + "(\(benchmark.entries.count) \(benchmark.spaceName) architectures); restrict the search to the table's "
            + "architectures or train it")
    }
}
