import ArgumentParser
import Engine
import Foundation

/// `nas-tui studies`: every study of a storage with its status, trials, best and strategy.
struct StudiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studies",
        abstract: "List the studies of a storage: name, status, trials by status, best, strategy, created, updated.",
        discussion: "With --json one object per study and line; times are Unix seconds there, local time in the table.")

    @Option(help: "Study storage: a SQLite file, or postgresql://user[:password]@host[:port]/database.") var storage: String
    @Flag(help: "One JSON object per study and line.") var json = false

    func run() throws {
        let summaries: [StudySummary]
        do { summaries = try StudyOpening.openExisting(storage).studySummaries() } catch { throw CLIError.usage("\(error)") }
        if json {
            for summary in summaries { print(JSONOutput.line(StudyListing(summary))) }
            return
        }
        print(Self.table(summaries))
    }

    /// The human table: one line a study under a header.
    static func table(_ summaries: [StudySummary]) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let header = ["study", "status", "strategy", "space", "trials", "complete", "pruned", "failed", "running", "best %", "created", "updated"]
        let rows = summaries.map { s in
            [s.name, s.status, s.strategy, s.space, "\(s.finished)/\(s.budget)", "\(s.complete)", "\(s.pruned)", "\(s.failed)",
             "\(s.running)", s.bestAccuracy.map { String(format: "%.2f", $0 * 100) } ?? "-",
             formatter.string(from: Date(timeIntervalSince1970: s.created)), formatter.string(from: Date(timeIntervalSince1970: s.updated))]
        }
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

/// One study as `studies --json` prints it.
struct StudyListing: Encodable {
    let name: String, status: String, strategy: String, space: String
    let budget: Int, trials: Int, complete: Int, pruned: Int, failed: Int, running: Int
    let best: Double?, bestTrial: Int?
    let created: Double, updated: Double

    enum CodingKeys: String, CodingKey {
        case name, status, strategy, space, budget, trials, complete, pruned, failed, running, best
        case bestTrial = "best_trial", created, updated
    }

    init(_ s: StudySummary) {
        name = s.name; status = s.status; strategy = s.strategy; space = s.space; budget = s.budget
        trials = s.finished; complete = s.complete; pruned = s.pruned; failed = s.failed; running = s.running
        best = s.bestAccuracy?.finite; bestTrial = s.bestTrialID; created = s.created; updated = s.updated
    }
}
