import Foundation
import NAS

/// Parsed genotypes by their stored JSON: a followed tabular study reads about a thousand new
/// trials a second, mostly of architectures seen before (NAS-Bench-201 has 15,625), and parsing
/// each one's JSON again was the largest cost of an attached screen after SQLite itself.
/// Bounded (emptied when full) and safe to share between threads.
final class GenotypeCache: @unchecked Sendable {
    private var parsed: [String: Genotype] = [:]
    private let lock = NSLock()
    private let limit: Int

    init(limit: Int = 20_000) { self.limit = limit }

    /// The genotype `json` describes; throws what `Genotype.parse` throws.
    func genotype(_ json: String) throws -> Genotype {
        lock.lock()
        if let known = parsed[json] { lock.unlock(); return known }
        lock.unlock()
        let genotype = try Genotype.parse(json)
        lock.lock()
        if parsed.count >= limit { parsed.removeAll(keepingCapacity: true) }
        parsed[json] = genotype
        lock.unlock()
        return genotype
    }
}
