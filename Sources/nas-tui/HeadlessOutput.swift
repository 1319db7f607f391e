import Engine
import Foundation
import Search

/// Headless progress: human lines on stderr, and with --json the events of DESIGN.md on stdout,
/// each an `Encodable` value written by `JSONOutput`.
final class HeadlessOutput {
    let json: Bool
    private var lastProgress = Date.distantPast
    private var lastProgressTrial: Int?

    init(json: Bool) { self.json = json }

    func handle(_ event: EngineEvent) {
        switch event {
        case let .trialFinished(trial, best, finished, budget, eta):
            let accuracy = trial.accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
            let bestText = best.flatMap { b in b.accuracy.map { String(format: "best %.2f%% (trial %d)", $0 * 100, b.id) } } ?? "best -"
            let at = trial.fidelity.map { " at \($0) ep" } ?? ""
            let budgetText = budget >= ExperimentSettings.unlimitedTrials ? "\(finished) trials" : "\(finished)/\(budget)"
            err("trial \(trial.id) \(trial.status.rawValue) \(accuracy)\(at) [\(trial.strategy)] | \(bestText) | \(budgetText) | ETA \(Self.duration(eta))")
            if json { out(JSONOutput.line(TrialEvent(trial))) }
        case let .progress(id, epoch, epochs, fraction, finished, budget):
            // At most one a second, but always a trial's first: a reader learns at once that it began.
            guard id != lastProgressTrial || Date().timeIntervalSince(lastProgress) > 1 else { return }
            lastProgress = Date()
            lastProgressTrial = id
            err("trial \(id): epoch \(epoch)/\(epochs) | \(finished)/\(budget) trials")
            if json {
                out(JSONOutput.line(ProgressEvent(trial: id, epoch: epoch, epochs: epochs, fraction: fraction.finite ?? 0,
                                                  trials: finished, budget: budget)))
            }
        case .message(let line):
            if !line.hasPrefix("trial ") { err(line) }
        case let .done(finished, best, stopped):
            err("done: \(finished) trials\(stopped ? " (stopped)" : "")" + (best.map { " | best trial \($0.id) \(Self.arch($0))" } ?? ""))
            if json { out(JSONOutput.line(DoneEvent(trials: finished, stopped: stopped, best: best.map(DoneEvent.Best.init)))) }
        }
    }

    static func arch(_ trial: Trial) -> String {
        trial.genotype.nb201String ?? trial.genotype.dartsString ?? trial.genotype.jsonString
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }

    private func err(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    private func out(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

/// `{"event":"trial",...}`: a trial ended and is stored.
struct TrialEvent: Encodable {
    let event = "trial"
    let id: Int, status: String, strategy: String, arch: String
    let accuracy: Double?, fitness: Double?, latencyMs: Double?
    let params: Int?, flops: Int?, epochs: Int, note: String?, origin: String?
    /// Epochs of a low-fidelity evaluation (null: full); simulated seconds the query cost.
    let fidelity: Int?, costSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case event, id, status, strategy, arch, accuracy, fitness, latencyMs = "latency_ms", params, flops, epochs, note, origin
        case fidelity, costSeconds = "cost_seconds"
    }

    init(_ t: Trial) {
        id = t.id; status = t.status.rawValue; strategy = t.strategy; arch = HeadlessOutput.arch(t)
        accuracy = t.accuracy?.finite; fitness = t.fitness?.finite; latencyMs = t.latencyMs?.finite
        params = t.parameters; flops = t.flops; epochs = t.epochs.count; note = t.note; origin = t.origin?.rawValue
        fidelity = t.fidelity; costSeconds = t.costSeconds?.finite
    }

    /// Unknown values are written as null, so every event has every key.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event, forKey: .event); try c.encode(id, forKey: .id); try c.encode(status, forKey: .status)
        try c.encode(strategy, forKey: .strategy); try c.encode(arch, forKey: .arch); try c.encode(accuracy, forKey: .accuracy)
        try c.encode(fitness, forKey: .fitness); try c.encode(latencyMs, forKey: .latencyMs); try c.encode(params, forKey: .params)
        try c.encode(flops, forKey: .flops); try c.encode(epochs, forKey: .epochs); try c.encode(note, forKey: .note)
        try c.encode(origin, forKey: .origin); try c.encode(fidelity, forKey: .fidelity)
        try c.encode(costSeconds, forKey: .costSeconds)
    }
}

/// `{"event":"progress",...}`: the running trial went on.
struct ProgressEvent: Encodable {
    let event = "progress"
    let trial: Int, epoch: Int, epochs: Int, fraction: Double, trials: Int, budget: Int
}

/// `{"event":"done","trials":N,"best":{...}}`: the last line.
struct DoneEvent: Encodable {
    struct Best: Encodable {
        let id: Int, arch: String, accuracy: Double?, fitness: Double?, latencyMs: Double?
        enum CodingKeys: String, CodingKey { case id, arch, accuracy, fitness, latencyMs = "latency_ms" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(arch, forKey: .arch); try c.encode(accuracy, forKey: .accuracy)
            try c.encode(fitness, forKey: .fitness); try c.encode(latencyMs, forKey: .latencyMs)
        }
        init(_ t: Trial) {
            id = t.id; arch = HeadlessOutput.arch(t); accuracy = t.accuracy?.finite; fitness = t.fitness?.finite; latencyMs = t.latencyMs?.finite
        }
    }
    let event = "done"
    let trials: Int, stopped: Bool, best: Best?

    enum CodingKeys: String, CodingKey { case event, trials, stopped, best }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event, forKey: .event)
        try c.encode(trials, forKey: .trials)
        try c.encode(stopped, forKey: .stopped)
        try c.encode(best, forKey: .best)
    }
}
