import ArgumentParser
import Foundation
import NAS
import Tensor

/// `nas-tui score`: a zero-cost proxy score per architecture, without training.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Zero-cost proxy score per architecture, one JSON object each.",
        discussion: """
        Scores the untrained network of each architecture (weights seeded by --seed) as \
        zero-cost-nas and NASWOT do; a higher score predicts a higher trained accuracy. \
        synflow: batch norm bypassed, absolute weights, one all-ones input, Σ|θ·∂R/∂θ| over \
        conv and linear weights (needs no data). snip: Σ|θ·∂L/∂θ|, and grad_norm: Σ over layers \
        of ‖∂L/∂W‖, for the cross-entropy L of one batch in training mode. naswot: log|det K| \
        of the kernel of binary ReLU codes of one batch. The batch is --batch-size images drawn \
        with --seed from --dataset; without --dataset it is synthetic images (the `synthetic` \
        data set, normalised) of the space's input shape: darts and chain 1x28x28, nb201 \
        3x32x32, generated from --seed. With --dataset the networks are built for its images \
        and classes. Output: {"arch":...,"space":...,"proxy":...,"score":x} per line (a score \
        beyond double precision prints as null).
        """)

    @OptionGroup var architecture: ArchitectureOptions

    @Option(help: "The proxy: synflow, snip, grad_norm or naswot.")
    var proxy: String

    @Option(help: "Images for snip, grad_norm and naswot: fashion-mnist, synthetic or a PATH (default: synthetic images of the space's input shape).")
    var dataset: String?

    @Option(name: .customLong("batch-size"), help: "Images in the batch snip, grad_norm and naswot score on.")
    var batchSize: Int = 64

    @Option(help: "Seed of the weights, the batch and the synthetic images.")
    var seed: UInt64 = 0

    @Option(help: "Threads for the tensor core (default: all cores).")
    var threads: Int?

    @Flag(help: "JSON output (one object per line; the default output is the same).")
    var json = false

    func validate() throws {
        guard batchSize >= 2 else { throw ValidationError("--batch-size \(batchSize): accepted: 2 or more (batch norm needs a batch)") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): accepted: 1 or more") }
    }

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        let proxy: ZeroCostProxy
        do { proxy = try ZeroCostProxy(name: self.proxy) } catch {
            throw CLIError.usage("--proxy '\(self.proxy)': unknown proxy; accepted: \(ZeroCostProxy.names.joined(separator: ", "))")
        }
        let space = try architecture.searchSpace()
        let architectures = try architecture.architectures(in: space)
        let (inputShape, classes, batch) = try loadBatch(for: space, proxy: proxy)
        for (text, genotype) in architectures {
            var generator = SeededGenerator(seed: seed)
            let model: Module
            do {
                model = try space.build(genotype, inputShape: inputShape, classes: classes, generator: &generator)
            } catch {
                throw CLIError.usage("\(shown(text)): \(error)")
            }
            let score: Double
            do {
                score = try proxy.score(model: model, inputShape: inputShape, batch: batch)
            } catch let error as ProxyError {
                throw CLIError.runtime("\(shown(text)): \(error)")
            }
            print(jsonLine([("arch", text), ("space", space.name), ("proxy", proxy.name), ("score", score)]))
        }
    }

    /// The input shape and classes the networks are built for, and the batch (nil for synflow
    /// without --dataset).
    private func loadBatch(for space: SearchSpace, proxy: ZeroCostProxy) throws -> ([Int], Int, ProxyBatch?) {
        guard let dataset else {
            let shape = defaultInputShape(for: space)
            guard proxy.needsBatch else { return (shape, 10, nil) }
            do {
                return (shape, 10, try ProxyBatch.synthetic(shape: shape, classes: 10, count: batchSize, seed: seed))
            } catch let error as ProxyError {
                throw CLIError.usage("--batch-size \(batchSize): \(error)")
            }
        }
        let loaded: LoadedDatasets
        do {
            loaded = try DatasetCatalog.load(name: dataset, options: DatasetOptions(seed: seed, normalize: true))
        } catch let error as DataError {
            throw CLIError.usage(error.description)
        }
        let images = loaded.train
        guard batchSize <= images.count else {
            throw CLIError.usage("--batch-size \(batchSize): \(loaded.source) has \(images.count) training images; accepted: 2 to \(images.count)")
        }
        let batch = proxy.needsBatch ? try ProxyBatch.sample(from: images, count: batchSize, seed: seed) : nil
        return (images.imageShape, images.classCount, batch)
    }

    private func shown(_ text: String) -> String { text.count > 80 ? text.prefix(77) + "..." : text }
}
