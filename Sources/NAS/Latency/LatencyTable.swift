import Foundation
import Tensor

/// Measured forward times of the operations of one space configuration on one machine: each
/// operation at the shape where it occurs (batch 1, evaluation mode), plus the fixed overhead
/// of running a network, all in milliseconds.
public struct LatencyTable: Codable, Equatable, Sendable {
    /// Milliseconds per operation key (e.g. `darts sep_conv_3x3 s1 16x28x28`).
    public var entries: [String: Double]
    /// What a whole network costs beyond the sum of its operations.
    public var overheadMilliseconds: Double

    public init(entries: [String: Double] = [:], overheadMilliseconds: Double = 0) {
        self.entries = entries
        self.overheadMilliseconds = overheadMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case entries = "ops_ms"
        case overheadMilliseconds = "overhead_ms"
    }
}

/// Where latency tables live: one JSON file per machine (CPU model) and thread count,
/// `$XDG_CACHE_HOME/nas-tui/latency-<cpu>-<threads>.json` (default `~/.cache/nas-tui/...`;
/// `...-debug.json` from a debug build),
/// holding one table per space configuration. A file whose recorded CPU model, thread count or
/// format version differs from this machine's is ignored (and replaced on the next store).
public struct LatencyCache: Sendable {
    /// The format version; a file of another version is ignored.
    public static let version = 3

    public let directory: URL
    /// The CPU model the tables are for (from /proc/cpuinfo).
    public let cpuModel: String
    /// The tensor core's thread count the tables are for.
    public let threads: Int

    public init(directory: URL, cpuModel: String, threads: Int) {
        self.directory = directory
        self.cpuModel = cpuModel
        self.threads = threads
    }

    /// This machine's cache: the user's cache directory, CPU model and the thread count latency
    /// is measured on (`LatencyMeasurement.threads`).
    public static var standard: LatencyCache {
        LatencyCache(directory: defaultDirectory, cpuModel: currentCPUModel, threads: LatencyMeasurement.threads)
    }

    /// `$XDG_CACHE_HOME/nas-tui`, or `~/.cache/nas-tui`.
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        }
        return base.appendingPathComponent("nas-tui")
    }

    /// The `model name` of /proc/cpuinfo (or `unknown-cpu`).
    public static var currentCPUModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown-cpu" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                let name = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { return name }
            }
        }
        return "unknown-cpu"
    }

    /// `-debug` in a debug build, whose unoptimised network code runs slower than the release
    /// binary's: its tables must not be taken for the release binary's.
    static var buildSuffix: String {
        #if DEBUG
        return "-debug"
        #else
        return ""
        #endif
    }

    /// The cache file of this CPU model and thread count (and build, see `buildSuffix`).
    public var fileURL: URL {
        var slug = ""
        for ch in cpuModel.unicodeScalars {
            let keep = CharacterSet.alphanumerics.contains(ch) || ch == "." || ch == "_"
            if keep { slug.unicodeScalars.append(ch) } else if !slug.hasSuffix("-") && !slug.isEmpty { slug += "-" }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return directory.appendingPathComponent("latency-\(slug.isEmpty ? "unknown-cpu" : slug)-\(threads)\(Self.buildSuffix).json")
    }

    /// The table stored for `signature`, or nil when the file is missing, unreadable, or was
    /// written for another CPU model, thread count or format version.
    public func load(signature: String) -> LatencyTable? {
        readFile()?.tables[signature]
    }

    /// Stores `table` under `signature`, keeping the file's other tables when they are for this
    /// machine. The file is replaced atomically.
    public func store(_ table: LatencyTable, signature: String) throws {
        var file = readFile() ?? LatencyCacheFile(version: Self.version, cpu: cpuModel, threads: threads, tables: [:])
        file.tables[signature] = table
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(file).write(to: fileURL, options: .atomic)
    }

    private func readFile() -> LatencyCacheFile? {
        guard let data = try? Data(contentsOf: fileURL),
              let file = try? JSONDecoder().decode(LatencyCacheFile.self, from: data),
              file.version == Self.version, file.cpu == cpuModel, file.threads == threads else { return nil }
        return file
    }
}

/// The JSON of a cache file.
struct LatencyCacheFile: Codable {
    var version: Int
    var cpu: String
    var threads: Int
    /// Tables by space signature (`darts C=16 L=5 input=1x28x28 classes=10`).
    var tables: [String: LatencyTable]
}
