import Foundation
import NAS

/// A tabular benchmark: architectures with their measured accuracy, read from a CSV file, so a
/// search can look results up instead of training (`--benchmark FILE.csv`).
///
/// The format is that of `demo/benchmarks/nb201_cifar10_subset.csv`: a header line, then
/// one architecture per line.
///
/// | column | meaning | required |
/// |---|---|---|
/// | `arch` | the architecture: an NB201 string, a DARTS string or genotype JSON (quote it when it holds commas) | yes |
/// | `cifar10_val_acc`, `cifar100_val_acc`, `imagenet16_val_acc` | validation accuracy, in percent | at least one accuracy column |
/// | any other `*_acc` / `*_accuracy` / `accuracy` column | validation accuracy on another data set | |
/// | `params` | parameter count | no |
/// | `flops` | multiply-adds (NAS-Bench-201's counter) | no |
/// | `latency_ms` | measured latency in milliseconds | no |
/// | `latency_DEVICE_ms` | latency measured on the device DEVICE (e.g. `latency_raspi4_ms`): `--device DEVICE` | no |
/// | `METRIC_epochN` | METRIC (an accuracy column's name) after an N-epoch schedule: a cheap, low-fidelity observation | no |
/// | `train_seconds` | the seconds the benchmark spent training the cell for the full `fullEpochs` schedule: a query's simulated cost | no |
/// | `index` | the cell's index in the benchmark's own order (a whole number) | no |
///
/// `demo/benchmarks/nb201_full.csv` (all 15,625 NAS-Bench-201 cells) has every column but params
/// and FLOPs; the full accuracy columns are the 200-epoch ones (`fullEpochs`).
///
/// Accuracies are percentages (0-100), stored as fractions; a column whose values all lie in
/// [0, 1] is taken to be fractions already. Empty cells are missing values. Other columns are
/// ignored. All rows must come from one space and name distinct architectures.
public struct TabularBenchmark: Sendable {
    /// One row of the table.
    public struct Entry: Equatable, Sendable {
        /// The architecture (canonical form).
        public var genotype: Genotype
        /// Accuracy column → validation accuracy as a fraction (missing cells left out).
        public var accuracies: [String: Double]
        public var parameters: Int?
        public var flops: Int?
        public var latencyMs: Double?
        /// Device name → latency (ms) from the `latency_DEVICE_ms` columns (missing cells left out).
        public var deviceLatencyMs: [String: Double] = [:]
        /// Low-fidelity column (`METRIC_epochN`) → accuracy as a fraction (missing cells left out).
        public var lowFidelity: [String: Double] = [:]
        /// Seconds of the full training schedule (`train_seconds`).
        public var trainSeconds: Double?
        /// The `index` column.
        public var index: Int?
        /// The 1-based line of the row in the file.
        public var line: Int
    }

    /// A low-fidelity column: `metric` after `epochs` epochs instead of the full schedule.
    public struct FidelityColumn: Equatable, Sendable {
        public var column: String
        public var metric: String
        public var epochs: Int
    }

    /// The epochs of the full schedule the plain accuracy columns and `train_seconds` belong to
    /// (NAS-Bench-201's 200).
    public static let fullEpochs = 200

    /// The accuracy columns of the standard format, in the order `TabularObjective` prefers them.
    public static let standardAccuracyColumns = ["cifar10_val_acc", "cifar100_val_acc", "imagenet16_val_acc"]

    /// The file the table was read from.
    public let file: String
    /// The accuracy columns present, in file order.
    public let accuracyColumns: [String]
    /// The rows, in file order.
    public let entries: [Entry]
    /// "darts", "nb201" or "chain".
    public let spaceName: String
    /// The devices of the `latency_DEVICE_ms` columns, in file order.
    public let devices: [String]
    /// The low-fidelity columns, in file order.
    public let fidelityColumns: [FidelityColumn]
    private let index: [Genotype: Int]

    /// Reads the CSV file at `path`.
    public init(contentsOfFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SearchError("\(path): cannot read the benchmark file (\(error.localizedDescription)); expected a "
                + "UTF-8 CSV file with columns arch,cifar10_val_acc,... (see TabularBenchmark)")
        }
        try self.init(parsing: text, file: path)
    }

    /// Reads CSV `text`; `file` is the name errors give (as `file:line`).
    public init(parsing text: String, file: String) throws {
        let records = try CSVRecords.parse(text, file: file)
        let expected = "arch plus at least one accuracy column (\(Self.standardAccuracyColumns.joined(separator: ", ")))"
            + "; optional params, flops, latency_ms"
        guard let header = records.first else {
            throw SearchError("\(file): the file is empty; expected a header line with \(expected)")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var column: [String: Int] = [:]
        for (i, name) in names.enumerated() where !name.isEmpty {
            if let earlier = column[name] {
                throw SearchError("\(file):\(header.line): column '\(name)' appears twice (columns \(earlier + 1) "
                    + "and \(i + 1)); each column may appear once")
            }
            column[name] = i
        }
        guard let archColumn = column["arch"] else {
            throw SearchError("\(file):\(header.line): no 'arch' column in the header (\(names.joined(separator: ","))); "
                + "expected \(expected)")
        }
        let accuracyNames = names.filter(Self.isAccuracyColumn)
        guard !accuracyNames.isEmpty else {
            throw SearchError("\(file):\(header.line): no accuracy column in the header (\(names.joined(separator: ","))); "
                + "expected \(expected)")
        }

        var devices: [(name: String, column: String)] = []
        var fidelityColumns: [FidelityColumn] = []
        for name in names {
            if name.hasPrefix("latency_") && name.hasSuffix("_ms") && name.count > "latency__ms".count {
                devices.append((String(name.dropFirst("latency_".count).dropLast("_ms".count)), name))
            } else if let range = name.range(of: "_epoch", options: .backwards), let epochs = Int(name[range.upperBound...]) {
                let metric = String(name[..<range.lowerBound])
                guard epochs >= 1, Self.isAccuracyColumn(metric) else {
                    throw SearchError("\(file):\(header.line): column '\(name)': expected ACCURACY_epochN with N ≥ 1 epochs "
                        + "and an accuracy column's name before _epoch (e.g. cifar10_val_acc_epoch12)")
                }
                fidelityColumns.append(FidelityColumn(column: name, metric: metric, epochs: epochs))
            }
        }

        func number(_ record: CSVRecords.Record, _ name: String) throws -> Double? {
            guard let i = column[name] else { return nil }
            let text = Self.trimmed(record.fields[i])
            if text.isEmpty { return nil }
            guard let value = Double(text), value.isFinite else {
                throw SearchError("\(file):\(record.line): column \(name): '\(text)' is not a number")
            }
            return value
        }
        func count(_ record: CSVRecords.Record, _ name: String) throws -> Int? {
            guard let value = try number(record, name) else { return nil }
            guard value >= 0, value.rounded() == value, value < 9e18 else {
                throw SearchError("\(file):\(record.line): column \(name): \(record.fields[column[name]!]) is not a "
                    + "non-negative whole number")
            }
            return Int(value)
        }

        var rows: [(genotype: Genotype, raw: [String: Double], parameters: Int?, flops: Int?, latency: Double?, line: Int)] = []
        var extras: [(devices: [String: Double], low: [String: Double], seconds: Double?, index: Int?)] = []
        rows.reserveCapacity(records.count)
        extras.reserveCapacity(records.count)
        var index: [Genotype: Int] = [:]
        index.reserveCapacity(records.count)
        var space: String?
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw SearchError("\(file):\(record.line): \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"); "
                    + "the header has \(names.count) (quote an arch that contains commas)")
            }
            let archText = Self.trimmed(record.fields[archColumn])
            let genotype: Genotype
            do {
                genotype = SearchDomain.canonical(try Genotype.parse(archText))
            } catch {
                throw SearchError("\(file):\(record.line): column arch: \(error)")
            }
            if let space, genotype.spaceName != space {
                throw SearchError("\(file):\(record.line): a \(genotype.spaceName) architecture after \(space) ones; "
                    + "a benchmark holds architectures of one space")
            }
            space = genotype.spaceName
            if let earlier = index[genotype] {
                throw SearchError("\(file):\(record.line): architecture \(genotype.summary.prefix(60)) repeats line "
                    + "\(rows[earlier].line); each architecture may appear once")
            }
            var raw: [String: Double] = [:]
            for name in accuracyNames {
                guard let value = try number(record, name) else { continue }
                guard (0...100).contains(value) else {
                    throw SearchError("\(file):\(record.line): column \(name): \(value) is outside 0...100; expected "
                        + "a validation accuracy in percent")
                }
                raw[name] = value
            }
            if raw.isEmpty {
                throw SearchError("\(file):\(record.line): no accuracy for this architecture; fill at least one of "
                    + accuracyNames.joined(separator: ", "))
            }
            let latency = try number(record, "latency_ms")
            if let value = latency, value <= 0 {
                throw SearchError("\(file):\(record.line): column latency_ms: \(value) must be a positive number of "
                    + "milliseconds (or empty)")
            }
            var deviceLatency: [String: Double] = [:]
            for device in devices {
                guard let value = try number(record, device.column) else { continue }
                guard value > 0 else {
                    throw SearchError("\(file):\(record.line): column \(device.column): \(value) must be a positive number of "
                        + "milliseconds (or empty)")
                }
                deviceLatency[device.name] = value
            }
            var low: [String: Double] = [:]
            for fidelity in fidelityColumns {
                guard let value = try number(record, fidelity.column) else { continue }
                guard (0...100).contains(value) else {
                    throw SearchError("\(file):\(record.line): column \(fidelity.column): \(value) is outside 0...100; expected "
                        + "a validation accuracy in percent")
                }
                low[fidelity.column] = value / 100
            }
            let seconds = try number(record, "train_seconds")
            if let seconds, seconds < 0 {
                throw SearchError("\(file):\(record.line): column train_seconds: \(seconds) must be 0 or more seconds (or empty)")
            }
            index[genotype] = rows.count
            rows.append((genotype, raw, try count(record, "params"), try count(record, "flops"), latency, record.line))
            extras.append((deviceLatency, low, seconds, try count(record, "index")))
        }
        guard let spaceName = space else {
            throw SearchError("\(file): the header has no rows under it; expected one architecture per line")
        }
        // Percent unless a column holds only values in [0, 1].
        var scale: [String: Double] = [:]
        for name in accuracyNames {
            let values = rows.compactMap { $0.raw[name] }
            scale[name] = values.allSatisfy { $0 <= 1 } ? 1 : 0.01
        }
        self.file = file
        self.accuracyColumns = accuracyNames
        self.spaceName = spaceName
        self.devices = devices.map(\.name)
        self.fidelityColumns = fidelityColumns
        self.index = index
        self.entries = zip(rows, extras).map { row, extra in
            Entry(genotype: row.genotype, accuracies: row.raw.reduce(into: [:]) { $0[$1.key] = $1.value * scale[$1.key]! },
                  parameters: row.parameters, flops: row.flops, latencyMs: row.latency, deviceLatencyMs: extra.devices,
                  lowFidelity: extra.low, trainSeconds: extra.seconds, index: extra.index, line: row.line)
        }
    }

    /// `field` without surrounding whitespace (as Foundation trims, but no copy when there is none:
    /// the common case, and a large table has hundreds of thousands of fields).
    static func trimmed(_ field: String) -> String {
        guard let first = field.utf8.first, let last = field.utf8.last else { return field }
        func plain(_ byte: UInt8) -> Bool { byte > 32 && byte < 128 }
        if plain(first) && plain(last) { return field }
        return field.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether a header name is an accuracy column.
    static func isAccuracyColumn(_ name: String) -> Bool {
        if name.range(of: "_epoch", options: .backwards).map({ Int(name[$0.upperBound...]) != nil }) ?? false { return false }
        return standardAccuracyColumns.contains(name) || name == "accuracy" || name.hasSuffix("_acc") || name.hasSuffix("_accuracy")
    }

    /// The row of `genotype`, or nil when the table does not list it.
    public func entry(for genotype: Genotype) -> Entry? {
        index[SearchDomain.canonical(genotype)].map { entries[$0] }
    }

    /// The architectures, in file order.
    public var genotypes: [Genotype] { entries.map(\.genotype) }

    /// The restricted domain of the table's architectures (with `space` when given, which they
    /// must belong to).
    public func domain(space: SearchSpace? = nil) throws -> SearchDomain {
        try SearchDomain(candidates: genotypes, space: space)
    }
}
