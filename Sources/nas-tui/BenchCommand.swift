import ArgumentParser
import Foundation
import Benchmarks
import NAS
import Tensor

/// `nas-tui bench`: the tensor-core workloads of bench/WORKLOADS.md.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the tensor-core workloads W1-W3 (median ms per step) and sgemm GFLOP/s.")

    @Flag(help: "Print one JSON object (keys W1_…, W2_…, W3_… in ms per step).")
    var json = false

    @Option(help: "Threads for OpenBLAS and the direct kernels (the reference script uses 2).")
    var threads: Int = 2

    @Option(help: "Timed steps of each workload, the median reported (default: W1 20, W2 5, W3 10, as WORKLOADS.md sets).")
    var steps: Int?

    @Option(help: "Comma-separated workloads to run: W1, W2, W3, sgemm.")
    var only: String = "W1,W2,W3,sgemm"

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads \(threads): accepted: 1 or more") }
        if let steps, steps < 1 { throw ValidationError("--steps \(steps): accepted: 1 or more") }
        for name in selected where !["W1", "W2", "W3", "SGEMM"].contains(name) {
            throw ValidationError("--only: unknown workload '\(name)'; accepted: W1, W2, W3, sgemm")
        }
    }

    private var selected: [String] { only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() } }

    func run() throws {
        ThreadConfig.set(threads)
        var report: [(String, Any)] = []
        var parameters: [(String, Any)] = []
        if selected.contains("W1") {
            let w1 = try Workloads.w1(steps: steps ?? 20)
            report.append((w1.key, w1.milliseconds))
            parameters.append(("params_cnn_W1", w1.parameters ?? 0))
        }
        if selected.contains("W2") {
            let w2 = try Workloads.w2(steps: steps ?? 5)
            report.append((w2.key, w2.milliseconds))
            parameters.append(("params_darts_W2", w2.parameters ?? 0))
        }
        if selected.contains("W3") {
            let w3 = try Workloads.w3(steps: steps ?? 10)
            report.append((w3.key, w3.milliseconds))
            parameters.append(("params_nb201_W3", w3.parameters ?? 0))
        }
        report += parameters
        if selected.contains("SGEMM") {
            for n in [256, 512, 1024] { report.append(("sgemm_\(n)_gflops", Workloads.sgemmGflops(size: n))) }
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
