/// Whether the engine is working.
public enum EngineState: String, Codable, Sendable {
    case running = "RUNNING", paused = "PAUSED", finished = "FINISHED"
}

/// How the screen is connected to the study.
public enum ViewMode: String, Codable, Sendable {
    /// `nas-tui run`: the engine runs in this process.
    case run
    /// `nas-tui attach`: another process runs the study; keys write commands into its storage.
    case attach
    /// `nas-tui view`: read-only; keys that would change the study are refused.
    case view
}

/// One line of a trial as the screen and headless output show it: plain values only.
public struct TrialRow: Sendable, Equatable {
    /// Where a trial stands (the screen's own type: the TUI never sees a Search type).
    public enum Status: String, Codable, Sendable, CaseIterable {
        case running, complete, pruned, failed
    }

    public var id: Int
    public var strategy: String
    public var status: Status
    /// The genotype in short form (table cells, log lines).
    public var summary: String
    public var accuracy: Double?
    public var fitness: Double?
    public var latencyMs: Double?
    public var parameters: Int?
    public var flops: Int?
    /// Per-epoch (train loss, validation loss, train accuracy, validation accuracy).
    public var curve: [CurvePoint]
    /// Training loss at sub-epoch resolution (about 20 points an epoch), x in epochs (0.05 = 5 %
    /// through the first epoch).
    public var steps: [LossPoint]
    public var note: String?
    /// Who asked for the trial: nil for the strategy, "user" for an enqueued architecture.
    public var origin: String?
    /// The fidelity it was evaluated at when a multi-fidelity strategy chose it (e.g. "12 ep", "3/9 ep").
    public var fidelity: String?
    /// The worker that evaluates (or evaluated) it, when several share the study.
    public var worker: String?

    public init(id: Int, strategy: String, status: Status, summary: String, accuracy: Double? = nil, fitness: Double? = nil,
                latencyMs: Double? = nil, parameters: Int? = nil, flops: Int? = nil, curve: [CurvePoint] = [],
                steps: [LossPoint] = [], note: String? = nil, origin: String? = nil, fidelity: String? = nil, worker: String? = nil) {
        self.id = id; self.strategy = strategy; self.status = status; self.summary = summary
        self.accuracy = accuracy; self.fitness = fitness; self.latencyMs = latencyMs
        self.parameters = parameters; self.flops = flops; self.curve = curve; self.steps = steps; self.note = note
        self.origin = origin; self.fidelity = fidelity; self.worker = worker
    }
}

/// One sub-epoch point of a training-loss curve: `epoch` is fractional (1.5 = half-way through
/// the second epoch), `loss` the mean training loss of the batches since the previous point.
public struct LossPoint: Sendable, Equatable {
    public var epoch: Double
    public var loss: Double
    public init(epoch: Double, loss: Double) { self.epoch = epoch; self.loss = loss }
}

/// Another study's best-so-far fitness, drawn over the Fitness pane for comparison.
public struct ComparisonCurve: Sendable, Equatable {
    public var study: String
    public var points: [FitnessPoint]
    public init(study: String, points: [FitnessPoint]) { self.study = study; self.points = points }
}

/// One study of a storage, as the study picker and `nas-tui studies` list it.
public struct StudySummary: Sendable, Equatable, Codable {
    public var name: String
    /// running, paused or finished.
    public var status: String
    public var strategy: String
    public var space: String
    public var budget: Int
    /// Trials by status: complete, pruned, failed, running.
    public var complete: Int, pruned: Int, failed: Int, running: Int
    public var bestAccuracy: Double?
    public var bestTrialID: Int?
    /// Unix seconds.
    public var created: Double
    public var updated: Double

    public init(name: String, status: String, strategy: String, space: String, budget: Int, complete: Int, pruned: Int,
                failed: Int, running: Int, bestAccuracy: Double?, bestTrialID: Int?, created: Double, updated: Double) {
        self.name = name; self.status = status; self.strategy = strategy; self.space = space; self.budget = budget
        self.complete = complete; self.pruned = pruned; self.failed = failed; self.running = running
        self.bestAccuracy = bestAccuracy; self.bestTrialID = bestTrialID; self.created = created; self.updated = updated
    }

    /// Finished trials (complete, pruned and failed).
    public var finished: Int { complete + pruned + failed }
}

/// One epoch of a trial's curves.
public struct CurvePoint: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationLoss: Double?
    public var trainAccuracy: Double
    public var validationAccuracy: Double?
    public init(epoch: Int, trainLoss: Double, validationLoss: Double?, trainAccuracy: Double, validationAccuracy: Double?) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.validationLoss = validationLoss
        self.trainAccuracy = trainAccuracy; self.validationAccuracy = validationAccuracy
    }
}

/// Finished trials in fixed-size chunks that never change once full, so a snapshot shares them
/// with the engine instead of copying the whole study on every publish. Beside the rows, the
/// distinct points they make in the Pareto scatter, chunked the same way: the pane plots a study
/// each frame from these without copying a row, and each repeated point once.
public struct TrialRows: Sendable, RandomAccessCollection {
    public static let chunkSize = 256
    final class Chunk: @unchecked Sendable {
        let rows: [TrialRow]
        init(_ rows: [TrialRow]) { self.rows = rows }
    }
    private(set) var full: [Chunk] = []
    private(set) var tail: [TrialRow] = []
    /// The distinct `PlotPoint`s of the rows, in first-seen order (full chunks shared, as the rows).
    private var pointChunks: [PointChunk] = []
    private var pointTail: [PlotPoint] = []
    private var seenPoints: Set<PlotPoint> = []
    /// Complete and pruned trials with a finite latency and accuracy (each counted, repeats too).
    public private(set) var plottedTrials = 0
    final class PointChunk: @unchecked Sendable {
        let points: [PlotPoint]
        init(_ points: [PlotPoint]) { self.points = points }
    }

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { full.count * Self.chunkSize + tail.count }
    public subscript(i: Int) -> TrialRow {
        let chunk = i / Self.chunkSize
        return chunk < full.count ? full[chunk].rows[i % Self.chunkSize] : tail[i - full.count * Self.chunkSize]
    }

    /// Calls `body` once with each distinct point the finished trials make, in first-seen order:
    /// a tabular study repeats its table's cells, so a Pareto scatter of a 100,000-trial study
    /// draws at most the table's 15,625 points each frame instead of every trial.
    public func forEachDistinctPoint(_ body: (PlotPoint) -> Void) {
        for chunk in pointChunks { for point in chunk.points { body(point) } }
        for point in pointTail { body(point) }
    }

    /// Appends a row; a full tail becomes an immutable shared chunk.
    public mutating func append(_ row: TrialRow) {
        tail.append(row)
        if let point = PlotPoint(row) {
            plottedTrials += 1
            if seenPoints.insert(point).inserted {
                pointTail.append(point)
                if pointTail.count == Self.chunkSize { pointChunks.append(PointChunk(pointTail)); pointTail = [] }
            }
        }
        if tail.count == Self.chunkSize {
            full.append(Chunk(tail))
            tail = []
        }
    }
}

/// A point of the Pareto front: where it is drawn, the first trial there and how many trials
/// share it (a tabular study evaluates a cell again and again; ties are all on the front).
public struct FrontPoint: Sendable, Equatable {
    public var id: Int
    public var latencyMs: Double
    public var accuracy: Double
    public var trials: Int
    public init(id: Int, latencyMs: Double, accuracy: Double, trials: Int = 1) {
        self.id = id; self.latencyMs = latencyMs; self.accuracy = accuracy; self.trials = trials
    }
}

/// Where a complete or pruned trial lands in the Pareto scatter.
public struct PlotPoint: Hashable, Sendable {
    public var latencyMs: Double
    public var accuracy: Double
    public var pruned: Bool
    /// Nil for a failed or running trial, or one without a finite latency and accuracy.
    public init?(_ row: TrialRow) {
        guard row.status == .complete || row.status == .pruned, let l = row.latencyMs, let a = row.accuracy,
              l.isFinite, a.isFinite else { return nil }
        latencyMs = l; accuracy = a; pruned = row.status == .pruned
    }
}

/// Best and median fitness after a number of finished trials.
public struct FitnessPoint: Sendable, Equatable {
    public var trials: Int
    public var best: Double
    public var median: Double
    public var strategy: String
    public init(trials: Int, best: Double, median: Double, strategy: String) {
        self.trials = trials; self.best = best; self.median = median; self.strategy = strategy
    }
}

/// Operation weights per edge for the heatmap: softmax(alpha) under DARTS, op frequencies
/// among the population or best trials otherwise.
public struct OperationWeights: Sendable, Equatable {
    public var columns: [String]
    public var rows: [String]
    public var normal: [[Double]]
    /// The reduction cell's weights (DARTS space only).
    public var reduce: [[Double]]?
    /// What the weights are: "softmax(alpha)" or "op frequency, top 10".
    public var source: String
    public init(columns: [String], rows: [String], normal: [[Double]], reduce: [[Double]]?, source: String) {
        self.columns = columns; self.rows = rows; self.normal = normal; self.reduce = reduce; self.source = source
    }
}

/// What the UI draws: an immutable picture of the search, cheap to copy (finished trials are
/// shared chunks; the rest is small).
public struct Snapshot: Sendable {
    public var experiment: String = ""
    /// The study's name in its storage.
    public var study: String = ""
    public var mode: ViewMode = .run
    public var space: String = ""
    public var strategy: String = ""
    /// The strategies this study's space and evaluator allow (the picker offers only these).
    public var strategies: [String] = ["random", "evolution", "tpe", "darts"]
    public var state: EngineState = .running
    public var budget: Int = 0
    /// A budget in simulated seconds (tabular multi-fidelity studies), and what is spent of it.
    public var budgetSeconds: Double?
    public var spentSeconds: Double = 0
    /// Processes working on the study (1 for a lone `run`).
    public var workers: Int = 1
    public var finishedTrials: Int = 0
    public var elapsedSeconds: Double = 0
    public var etaSeconds: Double?
    /// Finished trials in the order they finished (id order for one worker).
    public var trials = TrialRows()
    /// The trials being evaluated (several when workers share the study), with their curves so far.
    public var runningTrials: [TrialRow] = []
    /// The trial being evaluated, when there is exactly one or the last of several.
    public var running: TrialRow? {
        get { runningTrials.last }
        set { runningTrials = newValue.map { [$0] } ?? [] }
    }
    /// Progress of the running trial in [0, 1].
    public var runningProgress: Double = 0
    public var fitness: [FitnessPoint] = []
    /// Where the strategy changed: (finished trials at the switch, new strategy).
    public var switches: [(trials: Int, strategy: String)] = []
    public var operations: OperationWeights?
    /// The Pareto front (latency against accuracy) as distinct points, by latency, each with its
    /// tied trials (the pane draws it without looking trials up among the rows).
    public var paretoFront: [FrontPoint] = []
    public var latencyTarget: Double?
    /// The device whose latency the Pareto pane shows (tabular `--device`); nil: this machine.
    public var device: String?
    /// Another study's best-so-far curve to overlay on the Fitness pane.
    public var comparison: ComparisonCurve?
    /// The names of the storage's other studies (the comparison picker, key C, offers them).
    public var otherStudies: [String] = []
    public var best: TrialRow?
    public var log: [String] = []
    /// Where the study is stored.
    public var storagePath: String = ""
    /// A note for the status bar (e.g. Fashion-MNIST missing, running on synthetic data).
    public var dataNote: String?

    public init() {}
}

/// A request from the UI (or a signal) to the engine, applied at the next batch boundary.
public enum Command: Sendable, Hashable {
    case pause
    case resume
    case togglePause
    /// Ends the running trial `id` as pruned, keeping its curve.
    case prune(trialID: Int)
    /// Continues the search with another strategy ("random", "evolution", "tpe", "darts").
    case switchStrategy(String)
    /// Writes the best genotype to the path (nil: beside the storage file).
    case exportBest(path: String?)
    /// Stops at the next batch boundary with the study consistent.
    case stop
    /// Evaluates this architecture next (any format of DESIGN.md), marked as the user's.
    case enqueue(architecture: String)
    /// Raises (positive) or lowers (negative) the budget by this many trials; a finished study continues.
    case changeBudget(by: Int)
    /// Overlays another study's best-so-far curve on the Fitness pane (nil: none).
    case compare(study: String?)
}
