import Foundation
import NAS
import Search

/// The export formats of a study: the best genotype as JSON (what `train --genotype` reads, with
/// the trial's id and accuracy as extra keys), as a DARTS or NB201 string, or every trial as CSV.
public enum StudyExport {
    /// What `export --format` accepts.
    public enum Format: String, CaseIterable, Sendable {
        case json, darts, nb201, csv
    }

    /// The best trial's genotype JSON with the trial's id and accuracy beside the genotype's keys.
    public struct BestGenotype: Encodable {
        public var trial: Trial

        enum Keys: String, CodingKey { case trial, accuracy, latencyMs = "latency_ms" }

        public func encode(to encoder: Encoder) throws {
            try trial.genotype.encode(to: encoder)
            var extra = encoder.container(keyedBy: Keys.self)
            try extra.encode(trial.id, forKey: .trial)
            try extra.encode(trial.accuracy?.finite, forKey: .accuracy)
            try extra.encodeIfPresent(trial.latencyMs?.finite, forKey: .latencyMs)
        }
    }

    /// The best trial's genotype in `format` (json, darts or nb201).
    public static func best(_ trial: Trial, format: Format) throws -> String {
        switch format {
        case .json:
            return JSONOutput.line(BestGenotype(trial: trial))
        case .darts:
            guard let text = trial.genotype.dartsString else {
                throw NASError("--format darts: the best trial is a \(trial.genotype.spaceName) genotype; accepted for it: json\(trial.genotype.nb201String != nil ? ", nb201" : "")")
            }
            return text
        case .nb201:
            guard let text = trial.genotype.nb201String else {
                throw NASError("--format nb201: the best trial is a \(trial.genotype.spaceName) genotype; accepted for it: json\(trial.genotype.dartsString != nil ? ", darts" : "")")
            }
            return text
        case .csv:
            throw NASError("--format csv exports every trial, not the best one")
        }
    }

    /// Every trial as CSV: id, strategy, status, arch, accuracy, latency_ms, params, flops, epochs.
    public static func csv(_ trials: [Trial]) -> String {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        func number(_ d: Double?) -> String { d.map { String(format: "%.6g", $0) } ?? "" }
        var lines = ["id,strategy,status,arch,accuracy,latency_ms,params,flops,epochs"]
        for t in trials.sorted(by: { $0.id < $1.id }) {
            let arch = t.genotype.nb201String ?? t.genotype.dartsString ?? t.genotype.jsonString
            lines.append([String(t.id), t.strategy, t.status.rawValue, quoted(arch), number(t.accuracy), number(t.latencyMs),
                          t.parameters.map(String.init) ?? "", t.flops.map(String.init) ?? "", String(t.epochs.count)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The best complete trial of a list (highest fitness, then accuracy; the first of equals).
    /// Full-fidelity trials come first: a multi-fidelity study's one-epoch scores are not
    /// comparable with its full ones, so a low-fidelity trial is the best only when none is full.
    public static func bestTrial(_ trials: [Trial]) -> Trial? {
        let complete = trials.filter { $0.status == .complete }
        let full = complete.filter { !$0.isLowFidelity }
        return (full.isEmpty ? complete : full).max { ($0.fitness ?? $0.accuracy ?? -1) < ($1.fitness ?? $1.accuracy ?? -1) }
    }

    /// Where `e` writes a study's best genotype: `<storage name>.best.json` beside a SQLite file
    /// (`<storage name>.<study>.best.json` for a study not named after the file), and
    /// `<study>.best.json` in the current directory for a database server.
    public static func defaultPath(store: StudyStore, study: String) -> String {
        guard let sqlite = store as? SQLiteStudyStore, let path = sqlite.path else { return "\(study).best.json" }
        let stem = (path as NSString).deletingPathExtension
        return study == SQLiteStudyStore.defaultStudyName(forPath: path) ? stem + ".best.json" : stem + ".\(study).best.json"
    }

    /// Writes the best genotype's JSON to `path` and, for darts and nb201 genotypes, the DARTS
    /// or NB201 string beside it (`.darts.txt`, `.nb201.txt`). Returns the paths written.
    public static func writeBest(_ trial: Trial, to path: String) throws -> [String] {
        var written: [String] = []
        try (JSONOutput.line(BestGenotype(trial: trial)) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        written.append(path)
        let stem = (path as NSString).deletingPathExtension
        if let darts = trial.genotype.dartsString {
            try (darts + "\n").write(toFile: stem + ".darts.txt", atomically: true, encoding: .utf8)
            written.append(stem + ".darts.txt")
        } else if let nb201 = trial.genotype.nb201String {
            try (nb201 + "\n").write(toFile: stem + ".nb201.txt", atomically: true, encoding: .utf8)
            written.append(stem + ".nb201.txt")
        }
        return written
    }
}
