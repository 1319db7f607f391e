import Foundation
import NAS
import Search

/// The export formats of a study: the best genotype as JSON (what `train --genotype` reads, with
/// the trial's id and accuracy as extra keys), as a DARTS or NB201 string, or every trial as CSV.
public enum StudyExport {
    public static let formats = ["json", "darts", "nb201", "csv"]

    /// The best trial's genotype in `format` (json, darts or nb201).
    public static func best(_ trial: Trial, format: String) throws -> String {
        switch format {
        case "json":
            var json = trial.genotype.jsonString
            json.removeLast()
            let accuracy = trial.accuracy.map { String(format: "%.6g", $0) } ?? "null"
            return json + ",\"trial\":\(trial.id),\"accuracy\":\(accuracy)}"
        case "darts":
            guard let text = trial.genotype.dartsString else {
                throw NASError("--format darts: the best trial is a \(trial.genotype.spaceName) genotype; accepted for it: json\(trial.genotype.nb201String != nil ? ", nb201" : "")")
            }
            return text
        case "nb201":
            guard let text = trial.genotype.nb201String else {
                throw NASError("--format nb201: the best trial is a \(trial.genotype.spaceName) genotype; accepted for it: json\(trial.genotype.dartsString != nil ? ", darts" : "")")
            }
            return text
        default:
            throw NASError("--format \(format): accepted: \(formats.joined(separator: ", "))")
        }
    }

    /// Every trial as CSV: id, strategy, status, arch, accuracy, latency_ms, params, flops, epochs.
    public static func csv(_ trials: [Trial]) -> String {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        func number(_ d: Double?) -> String { d.map { String(format: "%.6g", $0) } ?? "" }
        var lines = ["id,strategy,status,arch,accuracy,latency_ms,params,flops,epochs"]
        for t in trials {
            let arch = t.genotype.nb201String ?? t.genotype.dartsString ?? t.genotype.jsonString
            lines.append([String(t.id), t.strategy, t.status.rawValue, quoted(arch), number(t.accuracy), number(t.latencyMs),
                          t.parameters.map(String.init) ?? "", t.flops.map(String.init) ?? "", String(t.epochs.count)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The best complete trial of a list (highest fitness, then accuracy).
    public static func bestTrial(_ trials: [Trial]) -> Trial? {
        trials.filter { $0.status == .complete }.max { ($0.fitness ?? $0.accuracy ?? -1) < ($1.fitness ?? $1.accuracy ?? -1) }
    }

    /// Writes `<storage name>.best.json` beside the storage file (or to `path`) and, for darts
    /// and nb201 genotypes, the DARTS or NB201 string beside it. Returns the paths written.
    public static func writeBest(_ trial: Trial, besideStorage storagePath: String, to path: String? = nil) throws -> [String] {
        let base = path ?? ((storagePath as NSString).deletingPathExtension + ".best.json")
        var written: [String] = []
        try best(trial, format: "json").appending("\n").write(toFile: base, atomically: true, encoding: .utf8)
        written.append(base)
        let stem = (base as NSString).deletingPathExtension
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
