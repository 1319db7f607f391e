import ArgumentParser
import Foundation
import NAS
import Tensor

/// `nas-tui inspect`: parameters, FLOPs and measured latency per architecture.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Params, FLOPs and forward latency per architecture, one JSON object each.",
        discussion: """
        FLOPs are multiply-adds of convolutions and linear layers (with biases) on one input, as \
        NAS-Bench-201 counts them. latency_ms is the measured forward time of one image on one \
        thread of this machine (the fastest of 7 passes). Inputs: darts and chain 1x28x28 (Fashion-MNIST), nb201 3x32x32 (CIFAR-10).
        """)

    @OptionGroup var architecture: ArchitectureOptions

    @Option(help: "Classes of the classifier.")
    var classes: Int = 10

    @Flag(help: "JSON output (one object per line; the default output is the same).")
    var json = false

    func validate() throws {
        guard classes >= 2 else { throw ValidationError("--classes \(classes): accepted: 2 or more") }
    }

    func run() throws {
        let space = try architecture.searchSpace()
        let input = defaultInputShape(for: space)
        for (text, genotype) in try architecture.architectures(in: space) {
            var generator = SeededGenerator(seed: 0)
            let model = try space.build(genotype, inputShape: input, classes: classes, generator: &generator)
            let cost = try ModelCost.measure(model, input: input)
            let latency = try LatencyMeasurement.forwardMilliseconds(model, input: input)
            print(jsonLine([("arch", text), ("space", space.name), ("params", cost.parameters), ("flops", cost.flops),
                            ("latency_ms", latency)]))
        }
    }
}
