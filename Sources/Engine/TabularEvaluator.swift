import Foundation
import NAS
import Search

/// Looks each trial up in a tabular benchmark: accuracy at the trial's fidelity (the full column,
/// or the cheap `_epochN` one a multi-fidelity strategy asked for), params and FLOPs; latency from
/// the `--device` column, the table's `latency_ms` column, or, for a NAS-Bench-201 table without
/// one, predicted by the latency model profiled on this machine; the query's simulated cost from
/// `train_seconds`. With `observesCheapFidelity`, a full query first reports the cheap value as
/// an epoch so the pruner can stop it there (a pruned query costs only the cheap fidelity).
final class TabularEvaluator: TrialEvaluator {
    let objective: TabularObjective
    let dataNote: String? = nil
    var latencyModel: LatencyModel?
    /// Whether full queries report the cheapest fidelity first (for the pruner).
    var observesCheapFidelity = false
    /// Predicted latencies by architecture, so each is computed once.
    private var predicted: [Genotype: Double] = [:]

    init(path: String, device: String? = nil) throws {
        let benchmark = try TabularBenchmark(contentsOfFile: path)
        objective = try TabularObjective(benchmark: benchmark, device: device)
    }

    /// NAS-Bench-201's networks see 3x32x32 CIFAR images (10 or 100 classes) or 3x16x16
    /// ImageNet16-120 images; for other tables the data is unknown.
    var networkInput: (shape: [Int], classes: Int)? {
        guard objective.benchmark.spaceName == "nb201" else { return nil }
        if objective.metric.hasPrefix("cifar100") { return ([3, 32, 32], 100) }
        if objective.metric.hasPrefix("imagenet16") { return ([3, 16, 16], 120) }
        return ([3, 32, 32], 10)
    }

    /// When some architectures of the table have no latency (on the chosen device, or in `latency_ms`).
    var needsLatencyModel: Bool {
        guard networkInput != nil else { return false }
        if let device = objective.device { return objective.benchmark.entries.contains { $0.deviceLatencyMs[device] == nil } }
        return objective.benchmark.entries.contains { $0.latencyMs == nil }
    }

    var candidates: [Genotype] { objective.benchmark.genotypes }

    func evaluate(_ trial: inout Trial, control: TrainingControl, progress: TrialProgress) throws -> TrainingOutcome {
        trial.seconds = 0
        let full = TabularBenchmark.fullEpochs
        if trial.fidelity == nil, observesCheapFidelity, let cheap = objective.fidelityLevels.first, cheap < full,
           let early = objective.lookup(trial.genotype, fidelity: cheap) {
            let report = Self.report(epoch: cheap, accuracy: early.accuracy)
            trial.epochs = [report]
            progress.onEpoch(report)
            if let reason = control.stopRequest {
                // Pruned as a training trial is: stopped early (its curve ends at the cheap epoch),
                // not a low-fidelity evaluation, so strategies learn it as a weak full one.
                trial.costSeconds = objective.costSeconds(trial.genotype, fidelity: cheap)
                return .stopped(reason: reason)
            }
        }
        let fidelity = trial.fidelity
        let accuracy = try objective.evaluate(trial.genotype, fidelity: fidelity).accuracy
        trial.accuracy = accuracy
        if !trial.epochs.isEmpty { trial.epochs.append(Self.report(epoch: full, accuracy: accuracy)) }
        trial.costSeconds = objective.costSeconds(trial.genotype, fidelity: fidelity)
        return .completed
    }

    /// A looked-up value as an epoch report (a table has no training loss).
    private static func report(epoch: Int, accuracy: Double) -> EpochReport {
        EpochReport(epoch: epoch, trainLoss: .nan, trainAccuracy: .nan, validationLoss: nil, validationAccuracy: accuracy,
                    learningRate: 0, seconds: 0)
    }

    /// The table's params and FLOPs; its latency (on the device), or the latency model's prediction when it has none.
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
