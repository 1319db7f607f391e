import Foundation
import NAS
import Tensor
@testable import Search

/// Toy objective: the share of nb201 edges that are nor_conv_3x3 (optimum 1 at all six).
func conv3x3Share(_ genotype: Genotype) -> Double {
    guard case .nb201(let a) = genotype else { return 0 }
    return Double(a.ops.filter { $0 == .norConv3x3 }.count) / 6
}

/// Toy objective: the share of darts slots that are sep_conv_3x3 (optimum 1 at all sixteen).
func sepConvShare(_ genotype: Genotype) -> Double {
    guard case .darts(let g) = genotype else { return 0 }
    let ops = DartsGenotype.slots.map { g[$0].op }
    return Double(ops.filter { $0 == .sepConv3x3 }.count) / 16
}

/// Toy objective for any space: a fixed pseudo-random value per genotype (from its summary).
func pseudoScore(_ genotype: Genotype) -> Double {
    Double(genotype.summary.unicodeScalars.reduce(0) { ($0 * 31 + Int($1.value)) % 1009 }) / 1009
}

/// Runs `budget` trials of `strategy` sequentially, as the engine would; trial ids continue
/// from `history`. Returns the new trials.
@discardableResult
func runSearch(_ strategy: SampleStrategy, budget: Int, seed: UInt64, history: [Trial] = [],
               objective: (Genotype) -> Double?) throws -> [Trial] {
    var generator = SeededGenerator(seed: seed)
    var trials: [Trial] = []
    for i in 0..<budget {
        let genotype = try strategy.ask(using: &generator)
        var trial = Trial(id: history.count + i, genotype: genotype, strategy: strategy.name)
        if let value = objective(genotype) {
            trial.complete(with: Evaluation(accuracy: value))
        } else {
            trial.status = .failed
        }
        strategy.tell(trial)
        trials.append(trial)
    }
    return trials
}

func bestFitness(_ trials: [Trial]) -> Double {
    trials.compactMap(\.rankingFitness).max() ?? 0
}

/// A complete trial with a validation curve (one value per epoch from 1).
func curveTrial(id: Int, _ values: [Double], status: TrialStatus = .complete) -> Trial {
    let genotype = Genotype.nb201(try! NB201Architecture(index: id % NB201Architecture.spaceSize))
    let epochs = values.enumerated().map { i, v in
        EpochReport(epoch: i + 1, trainLoss: 1, trainAccuracy: v, validationLoss: 1, validationAccuracy: v,
                    learningRate: 0.1, seconds: 0)
    }
    return Trial(id: id, genotype: genotype, strategy: "random", status: status,
                 accuracy: status == .complete ? values.last : nil, fitness: status == .complete ? values.last : nil,
                 epochs: epochs)
}

/// The Optuna MLP example as a chain space (as demo/chain_mlp.toml declares it).
let mlpSpaceText = """
[space]
name = "mlp"

[[layer]]
name = "hidden"
kind = "linear"
repeat = { int = [1, 3] }
independent = true
units = { int = [4, 128], log = true }
dropout = { float = [0.2, 0.5] }
activation = "relu"

[train]
lr = { float = [1e-5, 1e-1], log = true }
optimizer = { choice = ["Adam", "SGD"] }
"""

/// A fresh temporary directory for files a test writes.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nas-tui-search-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The NB201 subset benchmark the project ships (demo/benchmarks).
let shippedBenchmarkPath: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("demo/benchmarks/nb201_cifar10_subset.csv").standardizedFileURL.path
