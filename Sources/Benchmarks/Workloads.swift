import Foundation
import NAS
import Search
import Tensor

/// The tensor-core benchmark workloads of bench/WORKLOADS.md, each a closure that runs one
/// timed step, with the timing rule: median of the steps after warm-up.
public enum Workloads {
    /// One measured workload.
    public struct Result {
        public let key: String
        public let milliseconds: Double
        public let steps: Int
        public let parameters: Int?
    }

    /// Times `step`: `warmup` untimed calls, then the median of `steps` timed calls, in ms.
    public static func medianMilliseconds(warmup: Int, steps: Int, _ step: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try step() }
        var times: [Double] = []
        for _ in 0..<steps {
            let start = DispatchTime.now().uptimeNanoseconds
            try step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }

    /// A batch of standard-normal images of `shape` and its labels among 10 classes, images first.
    static func randomBatch(_ shape: [Int], using generator: inout SeededGenerator) -> (Tensor, [Int]) {
        let x = Tensor(uninitialized: shape)
        for i in 0..<x.count { x.data[i] = generator.nextNormal() }
        return (x, (0..<shape[0]).map { _ in generator.nextInt(10) })
    }

    /// W1: a training step of the small CNN (conv-BN-ReLU-pool ×2, linear) on 64 images 1x28x28,
    /// SGD momentum 0.9, weight decay 3e-4.
    public static func w1(steps: Int = 20) throws -> Result {
        var generator = SeededGenerator(seed: 0)
        let model = Sequential([
            Conv2d(1, 16, kernel: 3, padding: 1, generator: &generator), BatchNorm(16), Activation(.relu), Pool2d(.max, kernel: 2),
            Conv2d(16, 32, kernel: 3, padding: 1, generator: &generator), BatchNorm(32), Activation(.relu), Pool2d(.max, kernel: 2),
            Linear(32 * 7 * 7, 10, generator: &generator),
        ])
        let optimizer = SGD(model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 3e-4)
        let (x, labels) = randomBatch([64, 1, 28, 28], using: &generator)
        let ms = try medianMilliseconds(warmup: 3, steps: steps) {
            optimizer.zeroGrad()
            try model(x).crossEntropy(labels: labels).backward()
            optimizer.step()
        }
        return Result(key: "W1_cnn_train_step_ms", milliseconds: ms, steps: steps, parameters: model.parameterCount)
    }

    /// W2: a first-order DARTS search step on the supernet (C=8, 5 cells, the 7 operations of the
    /// reference script, batch 32 of 1x28x28), through `DartsSearch.step()` itself, the step the
    /// engine runs: Adam on the alphas from a validation batch, then SGD with clipping at 5 on
    /// the weights from a training batch. `search` (when given) receives the search it timed.
    public static func w2(steps: Int = 5, warmup: Int = 2, search: ((DartsSearch) -> Void)? = nil) throws -> Result {
        var generator = SeededGenerator(seed: 0)
        func half(_ name: String) throws -> ImageDataset {
            let (x, labels) = randomBatch([32, 1, 28, 28], using: &generator)
            return try ImageDataset(name: name, images: Array(UnsafeBufferPointer(start: x.data, count: x.count)), labels: labels,
                                    channels: 1, height: 28, width: 28, classCount: 10)
        }
        let size = DartsSupernetSize(channels: 8, layers: 5, classes: 10, inputChannels: 1,
                                     operations: DartsOperation.allCases.filter { $0 != .dilConv5x5 })
        var settings = DartsSearchSettings()
        settings.order = .first
        settings.batchSize = 32
        settings.evaluateEachEpoch = false
        settings.epochs = warmup + steps   // one full batch per half: one step an epoch
        let darts = try DartsSearch(size: size, settings: settings, weightData: try half("W2 weights"),
                                    alphaData: try half("W2 alphas"), seed: 0)
        let ms = try medianMilliseconds(warmup: warmup, steps: steps) { _ = try darts.step() }
        search?(darts)
        return Result(key: "W2_darts_search_step_ms", milliseconds: ms, steps: steps, parameters: darts.network.parameterCount)
    }

    /// W3: forward and backward of the NAS-Bench-201 network (C=16, N=5) for the reference cell on
    /// 64 images 3x32x32.
    public static func w3(steps: Int = 10) throws -> Result {
        var generator = SeededGenerator(seed: 0)
        let arch = try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|")
        let net = NB201Network(architecture: arch, generator: &generator)
        let (x, labels) = randomBatch([64, 3, 32, 32], using: &generator)
        let ms = try medianMilliseconds(warmup: 2, steps: steps) {
            net.zeroGrad()
            try net(x).crossEntropy(labels: labels).backward()
        }
        return Result(key: "W3_nb201_fwd_bwd_ms", milliseconds: ms, steps: steps, parameters: net.parameterCount)
    }

    /// sgemm throughput (GFLOP/s) for square n×n products.
    public static func sgemmGflops(size n: Int) -> Double {
        var generator = SeededGenerator(seed: 1)
        let a = Tensor(uninitialized: [n, n]), b = Tensor(uninitialized: [n, n]), c = Tensor(uninitialized: [n, n])
        for i in 0..<a.count { a.data[i] = generator.nextNormal(); b.data[i] = generator.nextNormal() }
        let repeats = max(3, 2_000_000_000 / (2 * n * n * n))
        let ms = medianMilliseconds(warmup: 2, steps: repeats) { matmulInto(a, b, c, m: n, n: n, k: n) }
        return 2 * Double(n * n * n) / (ms * 1e6)
    }
}
