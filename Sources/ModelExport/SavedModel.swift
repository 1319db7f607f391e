import Foundation
import NAS
import Tensor

/// A trained network as a directory: model.onnx, model.safetensors, model.py, genotype.json and
/// metrics.json (`train --save DIR` writes it, `predict --model DIR` reads it). Writing never
/// overwrites anything: the directory must be new or empty.
public struct SavedModel {
    public static let onnxFile = "model.onnx", weightsFile = "model.safetensors", codeFile = "model.py"
    public static let genotypeFile = "genotype.json", metricsFile = "metrics.json"
    /// Every file of a saved model.
    public static let fileNames = [onnxFile, weightsFile, codeFile, genotypeFile, metricsFile]

    /// The network with the saved weights loaded, in evaluation mode.
    public let model: Module
    public let genotype: Genotype
    /// The parts of metrics.json a reader needs (the rest is for people and other tools).
    public let network: SavedNetwork
    public let normalization: ChannelNormalization?
    public let seed: UInt64
    public let dataset: String?
    public let testAccuracy: Double?

    // MARK: writing

    /// Checks, before any training, that `path` can take a saved model: a directory that does not
    /// exist yet (its nearest existing ancestor must be a writable directory) or an empty one
    /// that is writable. Throws a message naming the path and what is accepted.
    public static func checkDestination(_ path: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let accepted = "accepted: a new or empty directory (nothing is overwritten)"
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SavedModelError("--save \(path): a file is there; \(accepted)") }
            let contents: [String]
            do { contents = try manager.contentsOfDirectory(atPath: path) } catch {
                throw SavedModelError("--save \(path): cannot list the directory; \(accepted)")
            }
            guard contents.isEmpty else {
                let shown = contents.sorted().prefix(3).joined(separator: ", ")
                throw SavedModelError("--save \(path): the directory is not empty (it holds \(shown)\(contents.count > 3 ? ", …" : "")); \(accepted)")
            }
            try probeWriting(in: path, for: path)
        } else {
            var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
            while !manager.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
                ancestor.deleteLastPathComponent()
            }
            guard isDirectory.boolValue else {
                throw SavedModelError("--save \(path): \(ancestor.path) is a file, so no directory can be made there; \(accepted)")
            }
            try probeWriting(in: ancestor.path, for: path)
        }
    }

    /// Creates and removes a file in `directory`: the only check that holds for root and read-only mounts.
    private static func probeWriting(in directory: String, for path: String) throws {
        let probe = URL(fileURLWithPath: directory).appendingPathComponent(".nas-tui-write-probe-\(getpid())").path
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw SavedModelError("--save \(path): cannot write in \(directory) (permission denied or a read-only file system); accepted: a new or empty directory you can write")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// Writes the saved model of `model` (trained on `genotype`'s network) into the new or empty
    /// directory `path`. Every file is produced in memory first; if writing fails, the files and
    /// directory this call made are removed again.
    public static func write(_ model: Module, genotype: Genotype, metrics: ModelMetrics, to path: String) throws {
        let normalization = try metrics.normalization?.channelNormalization()
        let metadata = [("space", metrics.network.space), ("genotype", genotype.jsonString),
                        ("test_accuracy", String(metrics.testAccuracy)), ("dataset", metrics.dataset)]
        let files: [(String, Data)] = [
            (onnxFile, try ONNXExport.serializedModel(model, inputShape: metrics.network.inputShape, normalization: normalization,
                                                     metadata: metadata, docString: "nas-tui \(metrics.network.space) network: \(genotype.summary)")),
            (weightsFile, try SafeTensors.encode(Dictionary(StateDict.entries(of: model).map { ($0.name, $0.entry) }, uniquingKeysWith: { first, _ in first }),
                                                 metadata: ["format": "pt", "producer": metrics.producer])),
            (codeFile, Data(try PyTorchCode.source(for: model, genotype: genotype, network: metrics.network, normalization: normalization).utf8)),
            (genotypeFile, Data((genotype.jsonString + "\n").utf8)),
            (metricsFile, Data(try metrics.jsonText().utf8)),
        ]
        try checkDestination(path)
        let manager = FileManager.default
        let created = !manager.fileExists(atPath: path)
        var written: [String] = []
        do {
            if created { try manager.createDirectory(atPath: path, withIntermediateDirectories: true) }
            for (name, data) in files {
                let file = URL(fileURLWithPath: path).appendingPathComponent(name)
                try data.write(to: file, options: .atomic)
                written.append(file.path)
            }
        } catch {
            for file in written { try? manager.removeItem(atPath: file) }
            if created { try? manager.removeItem(atPath: path) }
            throw SavedModelError("--save \(path): cannot write the saved model: \(error.localizedDescription)")
        }
    }

    // MARK: reading

    /// The parts of metrics.json `load` reads; the other fields may change without breaking it.
    private struct Header: Decodable {
        var format: String?
        var network: SavedNetwork
        var normalization: SavedNormalization?
        var seed: UInt64?
        var dataset: String?
        var testAccuracy: Double?
        enum CodingKeys: String, CodingKey { case format, network, normalization, seed, dataset, testAccuracy = "test_accuracy" }
    }

    /// Reads the saved model in `path`: rebuilds the network from genotype.json and metrics.json
    /// and loads model.safetensors into it (every tensor must match, as a strict load). Errors
    /// name the file at fault.
    public static func load(_ path: String) throws -> SavedModel {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SavedModelError("--model \(path): no such directory; accepted: a directory `nas-tui train --save DIR` wrote")
        }
        guard isDirectory.boolValue else {
            throw SavedModelError("--model \(path): a file, not a directory; accepted: a directory `nas-tui train --save DIR` wrote")
        }
        let url = URL(fileURLWithPath: path)
        func file(_ name: String) throws -> Data {
            let location = url.appendingPathComponent(name).path
            guard manager.fileExists(atPath: location) else {
                throw SavedModelError("\(path) is not a saved model: \(name) is missing (a saved model holds \(fileNames.joined(separator: ", ")); `nas-tui train --save DIR` writes one)")
            }
            guard let data = manager.contents(atPath: location) else { throw SavedModelError("\(location): cannot read the file") }
            return data
        }
        let genotypeData = try file(genotypeFile), metricsData = try file(metricsFile), weightsData = try file(weightsFile)
        let genotype: Genotype
        do { genotype = try Genotype.parse(String(decoding: genotypeData, as: UTF8.self)) } catch {
            throw SavedModelError("\(url.appendingPathComponent(genotypeFile).path): \(error)")
        }
        let metricsPath = url.appendingPathComponent(metricsFile).path
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: metricsData) } catch {
            throw SavedModelError("\(metricsPath): not the metrics of a saved model (\(describe(error))); accepted: the metrics.json `train --save` writes")
        }
        if let format = header.format, format != ModelMetrics.formatName {
            throw SavedModelError("\(metricsPath): format \"\(format)\"; accepted: \"\(ModelMetrics.formatName)\"")
        }
        let normalization: ChannelNormalization?
        do { normalization = try header.normalization?.channelNormalization() } catch {
            throw SavedModelError("\(metricsPath): \(error)")
        }
        if let normalization, normalization.mean.count != header.network.inputShape.first {
            throw SavedModelError("\(metricsPath): normalisation of \(normalization.mean.count) channels for \(header.network.shapeDescription) images")
        }
        var generator = SeededGenerator(seed: 0)
        let model: Module
        do { model = try header.network.build(genotype, generator: &generator) } catch {
            throw SavedModelError("\(metricsPath): \(error)")
        }
        let weightsPath = url.appendingPathComponent(weightsFile).path
        let entries: [String: SafeTensors.Entry]
        do { entries = try SafeTensors.decode(weightsData, source: weightsPath).entries } catch { throw SavedModelError("\(error)") }
        try StateDict.load(entries, into: model, source: weightsPath)
        model.train(false)
        return SavedModel(model: model, genotype: genotype, network: header.network, normalization: normalization,
                          seed: header.seed ?? 0, dataset: header.dataset, testAccuracy: header.testAccuracy)
    }

    /// A decoding error in one line: the key path and what was wrong.
    private static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "\"\(key.stringValue)\" is missing at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
