import Foundation
import NAS
import Search

/// Looks each trial up in a tabular benchmark (accuracy, params, FLOPs, latency when the table has it).
final class TabularEvaluator: TrialEvaluator {
    let objective: TabularObjective
    let dataNote: String? = nil

    init(path: String, latencyTarget: Double?) throws {
        let benchmark = try TabularBenchmark(contentsOfFile: path)
        objective = try TabularObjective(benchmark: benchmark, hardware: latencyTarget.map { try HardwareAwareObjective(targetMs: $0) })
    }

    var candidates: [Genotype] { objective.benchmark.genotypes }

    func evaluate(_ trial: inout Trial, control: TrainingControl, onEpoch: (EpochReport) -> Void) throws -> TrainingOutcome {
        let result = try objective.evaluate(trial.genotype)
        trial.accuracy = result.accuracy
        trial.fitness = result.fitness
        trial.latencyMs = result.latencyMs
        trial.parameters = result.parameters
        trial.flops = result.flops
        trial.seconds = 0
        return .completed
    }
}
