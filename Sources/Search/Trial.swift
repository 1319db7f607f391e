import NAS

/// Where a trial stands.
public enum TrialStatus: String, Codable, Sendable, CaseIterable {
    case running, complete, pruned, failed

    /// Whether the trial has ended.
    public var isFinished: Bool { self != .running }
}

/// Who asked for a trial besides the strategy.
public enum TrialOrigin: String, Codable, Sendable {
    /// An architecture the user enqueued (`a` in the TUI, `nas-tui enqueue`).
    case user
    /// A re-run of a trial that a crash or a lost worker interrupted.
    case retry
}

/// One evaluated (or evaluating) architecture: what the strategies learn from and what the
/// engine stores, publishes and exports. Accuracies are fractions in [0, 1].
public struct Trial: Codable, Sendable, Equatable {
    public var id: Int
    public var genotype: Genotype
    /// The strategy that proposed it ("random", "evolution", "tpe", "darts").
    public var strategy: String
    public var status: TrialStatus
    /// Validation accuracy after the trial's epochs (or the tabular benchmark's value).
    public var accuracy: Double?
    /// The value the search maximises (accuracy, or the latency-penalised accuracy).
    public var fitness: Double?
    public var latencyMs: Double?
    public var parameters: Int?
    public var flops: Int?
    /// Per-epoch figures, kept for pruned trials too.
    public var epochs: [EpochReport]
    /// Why a trial failed or was pruned.
    public var note: String?
    public var seconds: Double?
    /// Training loss at sub-epoch resolution (about 20 points an epoch).
    public var steps: [TrainingLossPoint]
    /// Nil for the strategy's own proposals.
    public var origin: TrialOrigin?
    /// The trial this one evaluates again (after a crash or a lost worker).
    public var retryOf: Int?
    /// The worker that evaluates (or evaluated) it.
    public var worker: String?
    /// The resource (epochs) of a low-fidelity evaluation a multi-fidelity strategy asked for
    /// (e.g. 12 of a table's 200 epochs, 3 of 9 in training); nil for a full evaluation. Such a
    /// trial's accuracy is not comparable with full ones: it never ranks, never is the best.
    public var fidelity: Int?
    /// What the evaluation cost in simulated seconds (a table's training seconds, scaled to the
    /// fidelity); counts against a budget in seconds. Nil when the evaluation has no such cost.
    public var costSeconds: Double?

    public init(id: Int, genotype: Genotype, strategy: String, status: TrialStatus = .running, accuracy: Double? = nil,
                fitness: Double? = nil, latencyMs: Double? = nil, parameters: Int? = nil, flops: Int? = nil,
                epochs: [EpochReport] = [], note: String? = nil, seconds: Double? = nil, steps: [TrainingLossPoint] = [],
                origin: TrialOrigin? = nil, retryOf: Int? = nil, worker: String? = nil, fidelity: Int? = nil,
                costSeconds: Double? = nil) {
        self.id = id; self.genotype = genotype; self.strategy = strategy; self.status = status
        self.accuracy = accuracy; self.fitness = fitness; self.latencyMs = latencyMs
        self.parameters = parameters; self.flops = flops; self.epochs = epochs; self.note = note; self.seconds = seconds
        self.steps = steps; self.origin = origin; self.retryOf = retryOf; self.worker = worker
        self.fidelity = fidelity; self.costSeconds = costSeconds
    }

    /// The fitness of a complete full-fidelity trial; nil otherwise (pruned, failed and
    /// low-fidelity trials rank below all).
    public var completedFitness: Double? { status == .complete && fidelity == nil ? fitness : nil }

    /// Whether the trial was evaluated at a lower fidelity than the full one.
    public var isLowFidelity: Bool { fidelity != nil }
}

extension Trial {
    /// What strategies rank by: `fitness` (else `accuracy`) of a complete full-fidelity trial;
    /// nil for running, pruned, failed and low-fidelity trials and for non-finite values.
    public var rankingFitness: Double? {
        guard status == .complete, fidelity == nil, let value = fitness ?? accuracy, value.isFinite else { return nil }
        return value
    }

    /// Validation accuracy per epoch, in report order; epochs without one are left out. Pruners
    /// read this curve.
    public var validationCurve: [(epoch: Int, value: Double)] {
        epochs.compactMap { report in report.validationAccuracy.map { (report.epoch, $0) } }
    }
}
