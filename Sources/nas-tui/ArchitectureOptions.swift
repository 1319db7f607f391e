import Config
import ArgumentParser
import Foundation
import NAS

/// The options that name a search space and its architectures, shared by train, inspect and score.
struct ArchitectureOptions: ParsableArguments {
    @Option(help: "Search space (chain also needs --config).")
    var space: SpaceName?

    @Option(help: "One architecture: a DARTS string, an NB201 string or genotype JSON.")
    var arch: String?

    @Option(help: "A file with one architecture per line.")
    var archs: String?

    @Option(help: "Channels of the network (darts: initial C, default 16; nb201: C, default 16).")
    var channels: Int?

    @Option(help: "Cells of the network (darts: L, default 5; nb201: cells per stage N, default 5).")
    var layers: Int?

    @Option(help: "The chain space's TOML file.")
    var config: String?

    func validate() throws {
        if let channels, channels < 2 || channels % 2 != 0 { throw ValidationError("--channels \(channels): accepted: an even number, 2 or more") }
        if let layers, layers < 1 { throw ValidationError("--layers \(layers): accepted: 1 or more") }
    }

    /// The search space these options name (`fallback` when --space is absent).
    func searchSpace(fallback: SpaceName? = nil) throws -> SearchSpace {
        guard let name = space ?? fallback else {
            throw CLIError.usage("--space is required; accepted: \(SpaceName.acceptedText)")
        }
        do {
            return try SearchSpace.named(name, channels: channels, layers: layers, chainFile: config)
        } catch let error as NASError {
            throw CLIError.usage(error.description)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    /// The architectures of --arch or --archs (one a line; blank lines and # comments skipped),
    /// each parsed in `space`. Errors name the file and line.
    func architectures(in space: SearchSpace) throws -> [(text: String, genotype: Genotype)] {
        switch (arch, archs) {
        case (let text?, nil):
            do { return [(text, try space.parse(text))] } catch { throw CLIError.usage("--arch: \(error)") }
        case (nil, let path?):
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CLIError.usage("--archs \(path): cannot read the file")
            }
            var result: [(String, Genotype)] = []
            for (index, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty || text.hasPrefix("#") { continue }
                do { result.append((text, try space.parse(text))) } catch { throw CLIError.usage("\(path):\(index + 1): \(error)") }
            }
            guard !result.isEmpty else { throw CLIError.usage("--archs \(path): no architectures in the file") }
            return result
        case (nil, nil):
            throw CLIError.usage("give --arch ARCH or --archs FILE")
        case (_?, _?):
            throw CLIError.usage("give either --arch or --archs, not both")
        }
    }
}

/// The input a space's networks are built for when no data set says otherwise: Fashion-MNIST
/// images for darts and chain, CIFAR-10 images for nb201 (NAS-Bench-201's own setting).
func defaultInputShape(for space: SearchSpace) -> [Int] {
    if case .nb201 = space { return [3, 32, 32] }
    return [1, 28, 28]
}

/// One JSON object on one line, keys in the given order.
func jsonLine(_ fields: [(String, Any?)]) -> String {
    func encode(_ value: Any?) -> String {
        switch value {
        case nil: return "null"
        case let s as String:
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            let text = String(decoding: data, as: UTF8.self)
            return String(text.dropFirst().dropLast())
        case let d as Double: return d.isFinite ? String(format: "%.6g", d) : "null"
        case let f as Float: return encode(Double(f))
        case let i as Int: return String(i)
        case let b as Bool: return b ? "true" : "false"
        case let raw as RawJSON: return raw.text
        case let list as [Any?]: return "[" + list.map(encode).joined(separator: ",") + "]"
        default: return "null"
        }
    }
    return "{" + fields.map { "\(encode($0.0)):\(encode($0.1))" }.joined(separator: ",") + "}"
}

/// Text already encoded as JSON.
struct RawJSON { let text: String }
