import Search

/// Whether the engine is working.
public enum EngineState: String, Codable, Sendable {
    case running = "RUNNING", paused = "PAUSED", finished = "FINISHED"
}

/// One line of a trial as the screen and headless output show it: plain values only.
public struct TrialRow: Sendable, Equatable {
    public var id: Int
    public var strategy: String
    public var status: TrialStatus
    /// The genotype in short form (table cells, log lines).
    public var summary: String
    public var accuracy: Double?
    public var fitness: Double?
    public var latencyMs: Double?
    public var parameters: Int?
    public var flops: Int?
    /// Per-epoch (train loss, validation loss, train accuracy, validation accuracy).
    public var curve: [CurvePoint]
    public var note: String?

    public init(id: Int, strategy: String, status: TrialStatus, summary: String, accuracy: Double? = nil, fitness: Double? = nil,
                latencyMs: Double? = nil, parameters: Int? = nil, flops: Int? = nil, curve: [CurvePoint] = [], note: String? = nil) {
        self.id = id; self.strategy = strategy; self.status = status; self.summary = summary
        self.accuracy = accuracy; self.fitness = fitness; self.latencyMs = latencyMs
        self.parameters = parameters; self.flops = flops; self.curve = curve; self.note = note
    }
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
/// with the engine instead of copying the whole study on every publish.
public struct TrialRows: Sendable, RandomAccessCollection {
    public static let chunkSize = 256
    final class Chunk: @unchecked Sendable {
        let rows: [TrialRow]
        init(_ rows: [TrialRow]) { self.rows = rows }
    }
    private(set) var full: [Chunk] = []
    private(set) var tail: [TrialRow] = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { full.count * Self.chunkSize + tail.count }
    public subscript(i: Int) -> TrialRow {
        let chunk = i / Self.chunkSize
        return chunk < full.count ? full[chunk].rows[i % Self.chunkSize] : tail[i - full.count * Self.chunkSize]
    }

    /// Appends a row; a full tail becomes an immutable shared chunk.
    public mutating func append(_ row: TrialRow) {
        tail.append(row)
        if tail.count == Self.chunkSize {
            full.append(Chunk(tail))
            tail = []
        }
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
    public var space: String = ""
    public var strategy: String = ""
    public var state: EngineState = .running
    public var budget: Int = 0
    public var finishedTrials: Int = 0
    public var elapsedSeconds: Double = 0
    public var etaSeconds: Double?
    /// Finished trials in id order.
    public var trials = TrialRows()
    /// The trial being evaluated, with its curve so far.
    public var running: TrialRow?
    /// Progress of the running trial in [0, 1].
    public var runningProgress: Double = 0
    public var fitness: [FitnessPoint] = []
    /// Where the strategy changed: (finished trials at the switch, new strategy).
    public var switches: [(trials: Int, strategy: String)] = []
    public var operations: OperationWeights?
    /// Ids of the Pareto-optimal trials (latency against accuracy), by latency.
    public var paretoFront: [Int] = []
    public var latencyTarget: Double?
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
}
