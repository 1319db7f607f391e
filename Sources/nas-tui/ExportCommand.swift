import ArgumentParser
import Engine
import Foundation

extension StudyExport.Format: ExpressibleByArgument {}

/// `nas-tui export`: the best genotype of a study, or every trial as CSV.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the best genotype (json, darts, nb201) or every trial (csv) of a study.",
        discussion: "csv columns: id, strategy, status, arch, accuracy, latency_ms, params, flops, epochs.")

    @Option(help: "Study storage: a SQLite file, or postgresql://user[:password]@host[:port]/database.") var storage: String
    @Option(help: "The study (default: the storage's only study, or the one named after the file).") var study: String?
    @Option(help: "json, darts, nb201 or csv.") var format: StudyExport.Format = .json
    @Option(help: "Output file (default: stdout).") var out: String?

    func run() throws {
        let text: String
        do {
            let store = try StudyOpening.openExisting(storage)
            let record = try StudyOpening.resolve(store: store, name: study)
            let trials = try store.allFinishedTrials(study: record.id)
            if format == .csv {
                text = StudyExport.csv(trials)
            } else {
                guard let best = StudyExport.bestTrial(trials) else { throw CLIError.usage("\(store.location): study \(record.name) has no complete trial to export yet") }
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
