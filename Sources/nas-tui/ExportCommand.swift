import ArgumentParser
import Engine
import Foundation

/// `nas-tui export`: the best genotype of a study, or every trial as CSV.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the best genotype (json, darts, nb201) or every trial (csv) of a study.",
        discussion: "csv columns: id, strategy, status, arch, accuracy, latency_ms, params, flops, epochs.")

    @Option(help: "SQLite study file.") var storage: String
    @Option(help: "json, darts, nb201 or csv.") var format: String = "json"
    @Option(help: "Output file (default: stdout).") var out: String?

    func validate() throws {
        guard StudyExport.formats.contains(format) else {
            throw ValidationError("--format \(format): accepted: \(StudyExport.formats.joined(separator: ", "))")
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: storage) else { throw CLIError.usage("--storage \(storage): no such file") }
        let text: String
        do {
            let study = try StudyStorage(path: storage, create: false)
            let trials = try study.loadTrials()
            if format == "csv" {
                text = StudyExport.csv(trials)
            } else {
                guard let best = StudyExport.bestTrial(trials) else { throw CLIError.usage("\(storage): no complete trial to export yet") }
                text = try StudyExport.best(best, format: format) + "\n"
            }
        } catch let error as CLIError { throw error } catch { throw CLIError.usage("\(error)") }
        if let out {
            do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw CLIError.runtime("--out \(out): cannot write: \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }
}
