import Foundation
import NAS
import Search

/// Looks each trial up in a tabular benchmark: accuracy, params and FLOPs; latency from the
/// table's `latency_ms` column, or, for a NAS-Bench-201 table without one, predicted by the
/// latency model profiled on this machine for the benchmark's network and data set.
final class TabularEvaluator: TrialEvaluator {
    let objective: TabularObjective
    let latencyTarget: Double?
    let dataNote: String? = nil
    var latencyModel: LatencyModel?
    /// Predicted latencies by architecture, so each is computed once.
    private var predicted: [Genotype: Double] = [:]

    init(path: String, latencyTarget: Double?) throws {
        let benchmark = try TabularBenchmark(contentsOfFile: path)
        objective = try TabularObjective(benchmark: benchmark, hardware: latencyTarget.map { try HardwareAwareObjective(targetMs: $0) })
        self.latencyTarget = latencyTarget
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

    func evaluate(_ trial: inout Trial, control: TrainingControl, onEpoch: (EpochReport) -> Void) throws -> TrainingOutcome {
        let result = try objective.evaluate(trial.genotype)
        trial.accuracy = result.accuracy
        trial.fitness = result.fitness
        trial.latencyMs = result.latencyMs
        if result.latencyMs == nil, let model = latencyModel {
            let latency = try predicted[trial.genotype] ?? model.predict(trial.genotype)
            predicted[trial.genotype] = latency
            trial.latencyMs = latency
            trial.fitness = hardwareAwareFitness(accuracy: result.accuracy, latencyMs: latency, target: latencyTarget)
        }
        trial.parameters = result.parameters
        trial.flops = result.flops
        trial.seconds = 0
        return .completed
    }
}
