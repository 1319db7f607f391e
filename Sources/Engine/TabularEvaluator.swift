import Foundation
import NAS
import Search

/// Looks each trial up in a tabular benchmark: accuracy, params and FLOPs; latency from the
/// table's `latency_ms` column, or, for a NAS-Bench-201 table without one, predicted by the
/// latency model profiled on this machine for the benchmark's network and data set.
final class TabularEvaluator: TrialEvaluator {
    let objective: TabularObjective
    let dataNote: String? = nil
    var latencyModel: LatencyModel?
    /// Predicted latencies by architecture, so each is computed once.
    private var predicted: [Genotype: Double] = [:]

    init(path: String) throws {
        let benchmark = try TabularBenchmark(contentsOfFile: path)
        objective = try TabularObjective(benchmark: benchmark)
    }

    /// NAS-Bench-201's networks see 3x32x32 CIFAR images (10 or 100 classes) or 3x16x16
    /// ImageNet16-120 images; for other tables the data is unknown.
    var networkInput: (shape: [Int], classes: Int)? {
        guard objective.benchmark.spaceName == "nb201" else { return nil }
        if objective.metric.hasPrefix("cifar100") { return ([3, 32, 32], 100) }
        if objective.metric.hasPrefix("imagenet16") { return ([3, 16, 16], 120) }
        return ([3, 32, 32], 10)
    }

    /// When some architectures of the table have no latency.
    var needsLatencyModel: Bool {
        networkInput != nil && objective.benchmark.entries.contains { $0.latencyMs == nil }
    }

    var candidates: [Genotype] { objective.benchmark.genotypes }

    func evaluate(_ trial: inout Trial, control: TrainingControl, progress: TrialProgress) throws -> TrainingOutcome {
        trial.accuracy = try objective.evaluate(trial.genotype).accuracy
        trial.seconds = 0
        return .completed
    }

    /// The table's params and FLOPs; its latency, or the latency model's prediction when it has none.
    func cost(of genotype: Genotype) throws -> TrialCost {
        let entry = objective.lookup(genotype)
        var latency = entry?.latencyMs
        if latency == nil, let model = latencyModel {
            latency = try predicted[genotype] ?? model.predict(genotype)
            predicted[genotype] = latency
        }
        return TrialCost(parameters: entry?.parameters, flops: entry?.flops, latencyMs: latency)
    }
}
