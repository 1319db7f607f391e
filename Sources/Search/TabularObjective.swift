import NAS

/// Looks architectures up in a `TabularBenchmark`: accuracy from one of its accuracy columns,
/// params, FLOPs and latency as the table gives them, fitness optionally penalised for latency.
public struct TabularObjective: Objective, Sendable {
    public let benchmark: TabularBenchmark
    /// The accuracy column used.
    public let metric: String
    /// The latency penalty, when searching under a latency target.
    public let hardware: HardwareAwareObjective?

    /// Uses `metric`, by default the first of cifar10_val_acc, cifar100_val_acc,
    /// imagenet16_val_acc present (else the table's first accuracy column). Throws when the
    /// table has no such column.
    public init(benchmark: TabularBenchmark, metric: String? = nil, hardware: HardwareAwareObjective? = nil) throws {
        let columns = benchmark.accuracyColumns
        if let metric {
            guard columns.contains(metric) else {
                throw SearchError("\(benchmark.file): no accuracy column '\(metric)'; the table has \(columns.joined(separator: ", "))")
            }
            self.metric = metric
        } else {
            self.metric = TabularBenchmark.standardAccuracyColumns.first(where: columns.contains) ?? columns[0]
        }
        self.benchmark = benchmark
        self.hardware = hardware
    }

    /// The table's figures for `genotype`, or nil when the table does not list it or has no
    /// value in the metric column for it.
    public func lookup(_ genotype: Genotype) -> Evaluation? {
        guard let entry = benchmark.entry(for: genotype), let accuracy = entry.accuracies[metric] else { return nil }
        let evaluation = Evaluation(accuracy: accuracy, latencyMs: entry.latencyMs, parameters: entry.parameters,
                                    flops: entry.flops)
        return hardware?.apply(to: evaluation) ?? evaluation
    }

    /// `lookup`, throwing a message naming the architecture and the table when it is missing.
    public func evaluate(_ genotype: Genotype) throws -> Evaluation {
        if let evaluation = lookup(genotype) { return evaluation }
        if let entry = benchmark.entry(for: genotype) {
            throw SearchError("\(benchmark.file):\(entry.line): \(genotype.summary.prefix(80)) has no value in column \(metric)")
        }
        throw SearchError("\(genotype.summary.prefix(80)) is not in the table \(benchmark.file) "
            + "(\(benchmark.entries.count) \(benchmark.spaceName) architectures); restrict the search to the table's "
            + "architectures or train it")
    }
}
