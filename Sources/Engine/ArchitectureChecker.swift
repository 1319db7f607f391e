import Foundation
import NAS
import Search

/// Checks an architecture a user types or pastes against a study: its space (and, for a
/// tabular study, the table's cells). Used by `enqueue`, `attach` and the TUI's `a` prompt.
public struct ArchitectureChecker: Sendable {
    let space: SearchSpace
    let domain: SearchDomain

    /// The checker for a study's stored settings.
    public init(settings: ExperimentSettings) throws {
        space = try SearchSpace.named(settings.space, channels: settings.networkChannels, layers: settings.networkLayers,
                                      chainFile: settings.chainConfig)
        if let benchmark = settings.benchmark {
            domain = try TabularBenchmark(contentsOfFile: benchmark).domain(space: space)
        } else {
            domain = SearchDomain(space: space)
        }
    }

    /// The genotype JSON to enqueue for `text`; throws a message naming what is wrong.
    public func genotypeJSON(for text: String) throws -> String {
        try domain.parseArchitecture(text, space: space).jsonString
    }

    /// nil when `text` would be accepted, else the reason (for the TUI's prompt).
    public func problem(with text: String) -> String? {
        do { _ = try genotypeJSON(for: text); return nil } catch { return "\(error)" }
    }
}
