import Engine
import Foundation
import Search

/// Headless progress: human lines on stderr, and with --json the events of DESIGN.md on stdout.
final class HeadlessOutput {
    let json: Bool
    private var lastProgress = Date.distantPast

    init(json: Bool) { self.json = json }

    func handle(_ event: EngineEvent) {
        switch event {
        case let .trialFinished(trial, best, finished, budget, eta):
            let accuracy = trial.accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
            let bestText = best.flatMap { b in b.accuracy.map { String(format: "best %.2f%% (trial %d)", $0 * 100, b.id) } } ?? "best -"
            err("trial \(trial.id) \(trial.status.rawValue) \(accuracy) [\(trial.strategy)] | \(bestText) | \(finished)/\(budget) | ETA \(Self.duration(eta))")
            if json {
                out(jsonLine([("event", "trial"), ("id", trial.id), ("status", trial.status.rawValue), ("strategy", trial.strategy),
                              ("arch", Self.arch(trial)), ("accuracy", trial.accuracy), ("fitness", trial.fitness),
                              ("latency_ms", trial.latencyMs), ("params", trial.parameters), ("flops", trial.flops),
                              ("epochs", trial.epochs.count), ("note", trial.note)]))
            }
        case let .progress(id, epoch, epochs, fraction, finished, budget):
            guard Date().timeIntervalSince(lastProgress) > 1 else { return }
            lastProgress = Date()
            err("trial \(id): epoch \(epoch)/\(epochs) | \(finished)/\(budget) trials")
            if json {
                out(jsonLine([("event", "progress"), ("trial", id), ("epoch", epoch), ("epochs", epochs), ("fraction", fraction),
                              ("trials", finished), ("budget", budget)]))
            }
        case .message(let line):
            if !line.hasPrefix("trial ") { err(line) }
        case let .done(finished, best, stopped):
            err("done: \(finished) trials\(stopped ? " (stopped)" : "")" + (best.map { " | best trial \($0.id) \(Self.arch($0))" } ?? ""))
            if json {
                let bestJSON = best.map { b in RawJSON(text: jsonLine([("id", b.id), ("arch", Self.arch(b)), ("accuracy", b.accuracy),
                                                                       ("fitness", b.fitness), ("latency_ms", b.latencyMs)])) }
                out(jsonLine([("event", "done"), ("trials", finished), ("stopped", stopped), ("best", bestJSON.map { $0 as Any })]))
            }
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
    private func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
