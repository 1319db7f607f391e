import ArgumentParser
import Foundation
import NAS
import Tensor

/// `nas-tui bench`: the tensor-core workloads of shared/bench/WORKLOADS.md.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the tensor-core workloads W1-W3 (median ms per step) and sgemm GFLOP/s.")

    @Flag(help: "Print one JSON object (keys W1_…, W2_…, W3_… in ms per step).")
    var json = false

    @Option(help: "Threads for OpenBLAS and the direct kernels (the reference script uses 2).")
    var threads: Int = 2

    @Option(help: "Timed steps for W1 (median reported).")
    var steps: Int = 20

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads \(threads): accepted: 1 or more") }
        guard steps >= 1 else { throw ValidationError("--steps \(steps): accepted: 1 or more") }
    }

    func run() throws {
        ThreadConfig.set(threads)
        var report: [(String, Any)] = []
        let w1 = try Workloads.w1(steps: steps)
        report.append((w1.key, w1.milliseconds))
        let w2 = try Workloads.w2()
        report.append((w2.key, w2.milliseconds))
        let w3 = try Workloads.w3()
        report.append((w3.key, w3.milliseconds))
        report.append(("params_cnn_W1", w1.parameters ?? 0))
        report.append(("params_darts_W2", w2.parameters ?? 0))
        report.append(("params_nb201_W3", w3.parameters ?? 0))
        for n in [256, 512, 1024] {
            report.append(("sgemm_\(n)_gflops", Workloads.sgemmGflops(size: n)))
        }
        report.append(("threads", threads))
        if json {
            let body = report.map { key, value -> String in
                if let d = value as? Double { return "\"\(key)\":\(String(format: "%.3f", d))" }
                return "\"\(key)\":\(value)"
            }.joined(separator: ",")
            print("{\(body)}")
        } else {
            for (key, value) in report {
                if let d = value as? Double { print("\(key): \(String(format: "%.2f", d))") } else { print("\(key): \(value)") }
            }
        }
    }
}
