import Foundation
import XCTest
@testable import Search
import NAS
import Tensor

/// DARTS one-shot search on tiny supernets (C=4, 3 cells, 8x8 synthetic images, batch 8).
final class DartsSearchTests: XCTestCase {
    typealias Edge = DartsGenotype.Edge

    // MARK: helpers

    static func tinyData(count: Int = 64) throws -> ImageDataset {
        try SyntheticDataset(classCount: 4, channels: 1, height: 8, width: 8, noise: 0.1, maxShift: 1, seed: 7)
            .make(count: count, sampleSeed: 11, name: "tiny")
    }

    static func tinySettings(order: DartsOrder = .first, epochs: Int = 2) -> DartsSearchSettings {
        var settings = DartsSearchSettings()
        settings.order = order
        settings.batchSize = 8
        settings.epochs = epochs
        settings.evaluationLimit = 16
        settings.evaluationBatchSize = 16
        return settings
    }

    static func tinySize(layers: Int = 3, operations: [DartsOperation] = DartsOperation.allCases) -> DartsSupernetSize {
        DartsSupernetSize(channels: 4, layers: layers, classes: 4, inputChannels: 1, operations: operations)
    }

    static func tinySearch(order: DartsOrder = .first, epochs: Int = 2, seed: UInt64 = 1, count: Int = 64,
                           history: [Trial] = [], settings: DartsSearchSettings? = nil) throws -> DartsSearch {
        try DartsSearch(size: tinySize(), settings: settings ?? tinySettings(order: order, epochs: epochs),
                        data: tinyData(count: count), seed: seed, history: history)
    }

    static func alphaScalars(_ search: DartsSearch) -> [Float] {
        search.network.alphaNormal.scalars + search.network.alphaReduce.scalars
    }

    /// Writes `values[edge][op]` into a cell's alpha (zeros elsewhere).
    static func setAlpha(_ alpha: Tensor, _ values: [Int: [DartsOperation: Float]], operations: [DartsOperation]) {
        alpha.zero()
        let columns = alpha.shape[1]
        for (edge, ops) in values {
            for (op, value) in ops { alpha.data[edge * columns + operations.firstIndex(of: op)!] = value }
        }
    }

    static func edge(_ node: Int, _ input: Int) -> Int { DartsGenotype.supernetEdgeIndex(node: node, input: input) }

    /// The first weight and alpha batches of epoch 0.
    static func firstBatches(_ search: DartsSearch) -> (train: DartsBatch, validation: DartsBatch) {
        var train = search.trainLoader.epoch(0), validation = search.validationLoader.epoch(0)
        let t = train.next()!, v = validation.next()!
        return ((t.images, t.labels), (v.images, v.labels))
    }

    static func dot(_ a: [Tensor], _ b: [Tensor]) -> Double {
        zip(a, b).reduce(0.0) { total, pair in
            total + zip(pair.0.scalars, pair.1.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    // MARK: derivation

    func testDerivationFromHandSetAlphasPicksTopTwoEdgesAndNeverNone() throws {
        let search = try Self.tinySearch()
        let ops = search.operations
        let e = Self.edge
        // Normal cell. Node 0: both edges are kept whatever their weights; edge 1 is dominated by
        // `none` yet must come out as its strongest real op (skip). Node 1: the edge from input 1
        // is almost all `none`, so it loses to the two others. Nodes 2-3: two clear winners.
        Self.setAlpha(search.network.alphaNormal, [
            e(0, 0): [.sepConv3x3: 2], e(0, 1): [.none: 5, .skipConnect: 1],
            e(1, 0): [.maxPool3x3: 1], e(1, 1): [.none: 10], e(1, 2): [.dilConv3x3: 3],
            e(2, 1): [.avgPool3x3: 1], e(2, 3): [.sepConv5x5: 1.5],
            e(3, 0): [.dilConv5x5: 2.5], e(3, 3): [.skipConnect: 2], e(3, 4): [.none: 4],
        ], operations: ops)
        // Reduction cell: max pool from input 0 and avg pool from input 1 everywhere; a huge
        // `none` on the last edge must not matter.
        var reduce: [Int: [DartsOperation: Float]] = [:]
        for node in 0..<4 {
            reduce[e(node, 0)] = [.maxPool3x3: 2]
            reduce[e(node, 1)] = [.avgPool3x3: 1.5]
        }
        reduce[e(3, 4)] = [.none: 100]
        Self.setAlpha(search.network.alphaReduce, reduce, operations: ops)

        let genotype = try search.derivedGenotype()
        XCTAssertEqual(genotype.normal, [Edge(.sepConv3x3, 0), Edge(.skipConnect, 1),
                                         Edge(.dilConv3x3, 2), Edge(.maxPool3x3, 0),
                                         Edge(.sepConv5x5, 3), Edge(.avgPool3x3, 1),
                                         Edge(.dilConv5x5, 0), Edge(.skipConnect, 3)])
        XCTAssertEqual(genotype.reduce, (0..<4).flatMap { _ in [Edge(.maxPool3x3, 0), Edge(.avgPool3x3, 1)] })
        XCTAssertEqual(genotype.normalConcat, [2, 3, 4, 5])
        XCTAssertFalse((genotype.normal + genotype.reduce).contains { $0.op == .none })

        // The heatmap rows are softmax(alpha): they sum to one and follow the hand-set values.
        let weights = search.operationWeights(.normal)
        XCTAssertEqual(weights.count, 14)
        for row in weights { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5) }
        XCTAssertEqual(weights[e(1, 1)][ops.firstIndex(of: .none)!], Float(exp(10.0) / (exp(10.0) + 7)), accuracy: 1e-5)
    }

    // MARK: second order

    /// The second-order hypergradient against central differences of the unrolled objective
    /// L_val(w − ξ(μ·v + ∇w L_train(w, α) + λ·w), α), coordinate by coordinate. The model is a
    /// small smooth mixed-op network (SiLU, GELU and linear candidates, two alpha rows): on the
    /// ReLU and max-pool supernet both the unrolled objective and the finite-difference
    /// Hessian-vector product jump wherever a unit changes sides, so no difference quotient
    /// settles there (measured: the Hessian term's direction changes with r at every scale).
    func testSecondOrderHypergradientMatchesFiniteDifferenceOfUnrolledObjective() throws {
        var generator = SeededGenerator(seed: 21)
        let model = SmoothMixedModel(inputs: 6, hidden: 5, classes: 3, generator: &generator)
        func batch(_ n: Int) -> DartsBatch {
            let x = Tensor(uninitialized: [n, 6])
            for i in 0..<x.count { x.data[i] = generator.nextNormal() }
            return (x, (0..<n).map { _ in generator.nextInt(3) })
        }
        let train = batch(16), validation = batch(16)
        var settings = DartsSearchSettings()
        settings.order = .second
        let optimizer = DartsWeightOptimizer(model.weights, learningRate: 0.1, momentum: 0.9, weightDecay: 3e-4)
        let architect = DartsArchitect(model: model, weightOptimizer: optimizer, settings: settings)
        // One real weight step first, so the virtual step includes a momentum buffer.
        let (_, gradients) = try architect.lossAndGradients(train, wrt: model.weights, pass: "test")
        for (w, g) in zip(model.weights, gradients) { w.grad = g }
        optimizer.step()
        optimizer.zeroGrad()

        // A large ξ makes the Hessian term a sizeable part of the hypergradient.
        let xi: Float = 0.5
        let weightsBefore = model.weights.flatMap(\.scalars)
        let parts = try architect.secondOrderParts(train: train, validation: validation, xi: xi)
        let (hyper, _) = try architect.secondOrderGradient(train: train, validation: validation, xi: xi)
        XCTAssertEqual(model.weights.flatMap(\.scalars), weightsBefore, "the architect restores the weights")

        var worst = 0.0, directWorst = 0.0, largest = 0.0
        for (a, alpha) in model.architecture.enumerated() {
            for i in 0..<alpha.count {
                let h: Float = 1e-2, saved = alpha.data[i]
                alpha.data[i] = saved + h
                let up = Double(try architect.unrolledValidationLoss(train: train, validation: validation, xi: xi))
                alpha.data[i] = saved - h
                let down = Double(try architect.unrolledValidationLoss(train: train, validation: validation, xi: xi))
                alpha.data[i] = saved
                let fd = (up - down) / Double(2 * h)
                worst = max(worst, abs(Double(hyper[a].data[i]) - fd))
                directWorst = max(directWorst, abs(Double(parts.direct[a].data[i]) - fd))
                largest = max(largest, abs(fd))
            }
        }
        print("DARTS second order on a smooth model: largest |dL/dα| \(largest), hypergradient error \(worst), "
              + "error of ∇α L_val(w′, α) alone \(directWorst)")
        XCTAssertLessThan(worst, 0.002 * largest, "hypergradient against the finite difference")
        XCTAssertGreaterThan(directWorst, 0.1 * largest, "the Hessian term should matter in this check")
    }

    func testSecondOrderStepRunsMovesAlphasAndDiffersFromFirstOrder() throws {
        let first = try Self.tinySearch(order: .first, seed: 3)
        let second = try Self.tinySearch(order: .second, seed: 3)
        let start = Self.alphaScalars(second)
        XCTAssertEqual(start, Self.alphaScalars(first))
        let weightsBefore = second.network.weights.map { $0.copy() }
        let buffersBefore = second.network.buffers.map { $0.copy() }
        // The architect alone changes only the alphas.
        let (train, validation) = Self.firstBatches(second)
        _ = try second.architect.step(train: train, validation: validation, xi: second.weightLearningRate)
        XCTAssertEqual(second.network.weights.flatMap(\.scalars), weightsBefore.flatMap(\.scalars))
        XCTAssertEqual(second.network.buffers.flatMap(\.scalars), buffersBefore.flatMap(\.scalars))
        XCTAssertNotEqual(Self.alphaScalars(second), start)

        let a = try Self.tinySearch(order: .first, seed: 3), b = try Self.tinySearch(order: .second, seed: 3)
        for _ in 0..<3 {
            let ra = try a.step(), rb = try b.step()
            XCTAssertTrue(ra.trainLoss.isFinite && rb.trainLoss.isFinite && rb.validationLoss.isFinite)
        }
        let alphasA = Self.alphaScalars(a), alphasB = Self.alphaScalars(b)
        XCTAssertNotEqual(alphasB, start, "second-order steps move the alphas")
        let difference = zip(alphasA, alphasB).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(difference, 1e-6, "second order should not reproduce first order")
    }

    // MARK: warm start

    static func uniformGenotype(_ op: DartsOperation) -> DartsGenotype {
        let edges = (0..<4).flatMap { _ in [Edge(op, 0), Edge(op, 1)] }
        return try! DartsGenotype(normal: edges, reduce: edges)
    }

    func testWarmStartPutsTheMostFrequentOpHighest() throws {
        let sep = Self.uniformGenotype(.sepConv3x3), pool = Self.uniformGenotype(.maxPool3x3)
        var history: [Trial] = []
        for id in 0..<3 {
            history.append(Trial(id: id, genotype: .darts(sep), strategy: "evolution", status: .complete, accuracy: 0.8, fitness: 0.8))
        }
        history.append(Trial(id: 3, genotype: .darts(pool), strategy: "random", status: .complete, accuracy: 0.5, fitness: 0.5))
        // Ignored: not complete, or not a darts genotype.
        history.append(Trial(id: 4, genotype: .darts(pool), strategy: "random", status: .failed, accuracy: 0.99, fitness: 0.99))
        history.append(Trial(id: 5, genotype: .darts(pool), strategy: "random", status: .running))
        let nb201 = try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
        history.append(Trial(id: 6, genotype: .nb201(nb201), strategy: "random", status: .complete, accuracy: 0.95, fitness: 0.95))

        let search = try Self.tinySearch(history: history)
        let warm = try XCTUnwrap(search.warmStart)
        XCTAssertEqual(warm.trialIDs, [0, 1, 2, 3])
        let ops = search.operations
        for cell in DartsGenotype.Cell.allCases {
            let alpha = cell == .normal ? search.network.alphaNormal : search.network.alphaReduce
            for node in 0..<4 {
                for input in 0..<(2 + node) {
                    let row = Self.edge(node, input)
                    let values = Array(alpha.scalars[row * ops.count..<(row + 1) * ops.count])
                    let top = ops[values.indices.max { values[$0] < values[$1] }!]
                    // Edges from the cell inputs were used by every voter (sep conv 3 times in 4);
                    // edges from intermediate nodes by none of them.
                    XCTAssertEqual(top, input < 2 ? .sepConv3x3 : .none, "\(cell) edge \(DartsGenotype.supernetEdgeLabels[row])")
                }
            }
        }
        // The derived genotype right after the warm start is the voters' consensus.
        XCTAssertEqual(try search.derivedGenotype().canonical, sep.canonical)
        XCTAssertTrue(search.notes.contains { $0.contains("warm-started") })

        // Only the best voter with topTrials 1; no warm start without darts trials or when off.
        var settings = Self.tinySettings()
        settings.warmStart.topTrials = 1
        XCTAssertEqual(try Self.tinySearch(history: history, settings: settings).warmStart?.trialIDs, [0])
        XCTAssertNil(try Self.tinySearch(history: [history[6]]).warmStart)
        settings.warmStart.enabled = false
        XCTAssertNil(try Self.tinySearch(history: history, settings: settings).warmStart)
        XCTAssertEqual(Self.alphaScalars(try Self.tinySearch(history: history, settings: settings)),
                       Self.alphaScalars(try Self.tinySearch()))
    }

    // MARK: search dynamics

    func testFirstOrderStepsLowerTheAlphaEntropy() throws {
        let search = try Self.tinySearch(epochs: 8)
        XCTAssertEqual(search.stepsPerEpoch, 4)
        let start = search.entropy
        XCTAssertEqual(start, search.maximumEntropy, accuracy: 1e-4)
        var reports: [DartsStepReport] = []
        while !search.isFinished { reports.append(try search.step()) }
        XCTAssertEqual(reports.count, 32)
        let end = search.entropy
        print("DARTS tiny first order: entropy \(start) -> \(end) over \(reports.count) steps; "
              + "train loss \(reports.first!.trainLoss) -> \(reports.last!.trainLoss)")
        XCTAssertLessThan(end, start)
        XCTAssertLessThan(reports.suffix(8).map(\.entropy).reduce(0, +), reports.prefix(8).map(\.entropy).reduce(0, +))
        // Reports count steps and epochs from 1; each epoch's last step carries its summary.
        XCTAssertEqual(reports.map(\.step), Array(1...32))
        XCTAssertEqual(reports.last!.epoch, 8)
        XCTAssertEqual(reports.filter(\.endsEpoch).count, 8)
        XCTAssertEqual(reports.compactMap(\.epochSummary).map(\.epoch), Array(1...8))
        XCTAssertEqual(search.epochSummaries.count, 8)
        XCTAssertNotNil(search.epochSummaries.last!.validationAccuracy)
        // Cosine weight learning rate from 0.025 towards 0.001.
        XCTAssertEqual(reports.first!.weightLearningRate, 0.025, accuracy: 1e-7)
        XCTAssertLessThan(reports.last!.weightLearningRate, 0.0012)
    }

    func testSameSeedGivesTheSameSearch() throws {
        let a = try Self.tinySearch(seed: 5), b = try Self.tinySearch(seed: 5), c = try Self.tinySearch(seed: 6)
        for _ in 0..<6 {
            let ra = try a.step(), rb = try b.step()
            XCTAssertEqual(ra.trainLoss, rb.trainLoss)
            XCTAssertEqual(ra.validationLoss, rb.validationLoss)
            _ = try c.step()
        }
        XCTAssertEqual(Self.alphaScalars(a), Self.alphaScalars(b))
        XCTAssertEqual(a.network.weights.flatMap(\.scalars), b.network.weights.flatMap(\.scalars))
        XCTAssertEqual(try a.derivedGenotype(), try b.derivedGenotype())
        XCTAssertNotEqual(Self.alphaScalars(a), Self.alphaScalars(c))
    }

    func testRunsToTheEndAndHandsBackATrial() throws {
        let search = try Self.tinySearch(epochs: 1, count: 32)
        XCTAssertEqual(search.weightData.count, 16)
        XCTAssertEqual(search.alphaData.count, 16)
        XCTAssertEqual(search.totalSteps, 2)

        let early = try search.derivedTrial(id: 41)
        XCTAssertNil(early.accuracy)
        XCTAssertTrue(early.note!.contains("not been evaluated"))

        _ = try search.step()
        let last = try search.step()
        XCTAssertTrue(last.isLast && last.endsEpoch)
        XCTAssertTrue(search.isFinished)
        XCTAssertEqual(search.progress, 1)
        XCTAssertThrowsError(try search.step()) { error in
            XCTAssertTrue("\(error)".contains("finished"), "\(error)")
        }
        let evaluation = try XCTUnwrap(search.lastEvaluation)
        XCTAssertEqual(evaluation.images, 16)
        XCTAssertEqual(last.epochSummary?.validationAccuracy, evaluation.accuracy)
        XCTAssertEqual(try search.evaluate(), evaluation, "no step since the epoch-end evaluation: the same result")

        let trial = try search.derivedTrial(id: 42)
        XCTAssertEqual(trial.id, 42)
        XCTAssertEqual(trial.strategy, "darts")
        XCTAssertEqual(trial.status, .complete)
        XCTAssertEqual(trial.accuracy, evaluation.accuracy)
        XCTAssertEqual(trial.genotype, .darts(try search.derivedGenotype()))
        XCTAssertTrue(trial.note!.contains("supernet"))
    }

    func testBadSizesGiveClearErrors() throws {
        let data = try Self.tinyData()
        func message(size: (inout DartsSupernetSize) -> Void = { _ in }, settings: (inout DartsSearchSettings) -> Void = { _ in },
                     data images: ImageDataset? = nil) -> String {
            var (s, t) = (Self.tinySize(), Self.tinySettings())
            size(&s)
            settings(&t)
            do { _ = try DartsSearch(size: s, settings: t, data: images ?? data, seed: 0); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(size: { $0.layers = 2 }).contains("layers 2; accepted: 3 or more"))
        XCTAssertTrue(message(size: { $0.operations = [.none] }).contains("no operation besides none"))
        XCTAssertTrue(message(size: { $0.operations = [.skipConnect, .skipConnect] }).contains("repeat"))
        XCTAssertTrue(message(size: { $0.inputChannels = 3 }).contains("1-channel images"), message(size: { $0.inputChannels = 3 }))
        XCTAssertTrue(message(size: { $0.classes = 10 }).contains("4 classes"), message(size: { $0.classes = 10 }))
        XCTAssertTrue(message(size: { $0.channels = 0 }).contains("channels 0"))
        XCTAssertTrue(message(settings: { $0.batchSize = 1 }).contains("batch size 1"))
        XCTAssertTrue(message(settings: { $0.validationFraction = 1 }).contains("validation fraction"))
        XCTAssertTrue(message(data: data.prefix(10)).contains("full batch of 8"), message(data: data.prefix(10)))
    }

    // MARK: figure (NAS_TUI_DARTS_BENCH=1, release build)

    /// DARTS first order on a Fashion-MNIST subset, then the derived network trained for one epoch.
    ///
    ///     NAS_TUI_DARTS_BENCH=1 swift test -c release --scratch-path .build-darts-release \
    ///         --filter DartsSearchTests/testFashionMNISTSearchFigure
    ///
    /// NAS_TUI_DARTS_TRAIN (images, default 2000), NAS_TUI_DARTS_EPOCHS (3),
    /// NAS_TUI_DARTS_ALPHA_LR (3e-4) and NAS_TUI_DARTS_ORDER (first|second) change the run.
    func testFashionMNISTSearchFigure() throws {
        let environment = ProcessInfo.processInfo.environment
        try XCTSkipUnless(environment["NAS_TUI_DARTS_BENCH"] == "1", "set NAS_TUI_DARTS_BENCH=1 to run the DARTS figure")
        try XCTSkipUnless(DatasetCatalog.fashionMNISTInstalled, "Fashion-MNIST is not installed")
        let trainImages = Int(environment["NAS_TUI_DARTS_TRAIN"] ?? "") ?? 2000
        let epochs = Int(environment["NAS_TUI_DARTS_EPOCHS"] ?? "") ?? 3
        let loaded = try DatasetCatalog.load(name: "fashion-mnist", options: DatasetOptions(trainLimit: trainImages, testLimit: 1000))

        var settings = DartsSearchSettings()
        settings.batchSize = 32
        settings.epochs = epochs
        settings.evaluationLimit = 500
        if let rate = environment["NAS_TUI_DARTS_ALPHA_LR"].flatMap(Float.init) { settings.alphaLearningRate = rate }
        if let order = environment["NAS_TUI_DARTS_ORDER"].flatMap(DartsOrder.init(rawValue:)) { settings.order = order }
        let size = DartsSupernetSize(channels: 8, layers: 5, classes: 10, inputChannels: 1)
        let search = try DartsSearch(size: size, settings: settings, data: loaded.train, seed: 0)
        let start = search.entropy
        print("DARTS figure: \(search.notes.joined(separator: "; ")); entropy at start \(start) (max \(search.maximumEntropy))")
        while !search.isFinished {
            let report = try search.step()
            if let summary = report.epochSummary {
                print(String(format: "DARTS figure: epoch %d  train loss %.3f acc %.3f  supernet val loss %.3f acc %.3f  entropy %.5f  %.0f s",
                             summary.epoch, summary.trainLoss, summary.trainAccuracy, summary.validationLoss ?? .nan,
                             summary.validationAccuracy ?? .nan, summary.entropy, summary.seconds))
            }
        }
        let end = search.entropy
        let genotype = try search.derivedGenotype()
        print("DARTS figure: entropy \(start) -> \(end) after \(search.completedSteps) steps, \(Int(search.elapsedSeconds)) s")
        print("DARTS figure: derived \(genotype.dartsString)")
        for cell in DartsGenotype.Cell.allCases {
            let strongest = search.operationWeights(cell).map { row in row.max()! }
            print("DARTS figure: \(cell) strongest op weight per edge: " + strongest.map { String(format: "%.3f", $0) }.joined(separator: " "))
        }
        XCTAssertLessThan(end, start)
        XCTAssertFalse((genotype.normal + genotype.reduce).contains { $0.op == .none })

        // The derived network trains: one epoch from scratch on the search's training images.
        var generator = SeededGenerator(seed: 1)
        let child = DartsNetwork(genotype: genotype, channels: 8, layers: 5, classes: 10, inputChannels: 1, generator: &generator)
        var training = TrainingSettings()
        training.epochs = 1
        training.batchSize = 32
        training.seed = 1
        let trainer = Trainer(settings: training)
        let result = try trainer.train(child, on: loaded.train, validation: nil)
        let test = try trainer.evaluate(child, on: loaded.test)
        print(String(format: "DARTS figure: derived network, %d parameters, 1 epoch on %d images: train loss %.3f acc %.3f; test (%d images) loss %.3f accuracy %.3f, %.0f s",
                     child.parameterCount, loaded.train.count, result.epochs[0].trainLoss, result.epochs[0].trainAccuracy,
                     loaded.test.count, test.loss, test.accuracy, result.seconds))
        XCTAssertGreaterThan(test.accuracy, 0.3, "the derived network should learn well above chance (0.1)")
    }
}

/// A small smooth model with mixed operations, for checking the hypergradient: two layers, each
/// a softmax(α)-weighted sum of SiLU, GELU and linear candidates, then a linear head.
final class SmoothMixedModel: DartsBilevelModel {
    let first: [Tensor], second: [Tensor], head: Tensor
    let alphaFirst: Tensor, alphaSecond: Tensor

    init(inputs: Int, hidden: Int, classes: Int, generator: inout SeededGenerator) {
        first = (0..<3).map { _ in Initializer.normal([inputs, hidden], std: 0.6, generator: &generator) }
        second = (0..<3).map { _ in Initializer.normal([hidden, hidden], std: 0.6, generator: &generator) }
        head = Initializer.normal([hidden, classes], std: 0.6, generator: &generator)
        alphaFirst = Initializer.normal([1, 3], std: 0.3, generator: &generator)
        alphaSecond = Initializer.normal([1, 3], std: 0.3, generator: &generator)
    }

    var weights: [Tensor] { first + second + [head] }
    var architecture: [Tensor] { [alphaFirst, alphaSecond] }
    var buffers: [Tensor] { [] }

    func bilevelLoss(_ batch: DartsBatch) throws -> Tensor {
        func mixed(_ x: Tensor, _ candidates: [Tensor], _ alpha: Tensor) throws -> Tensor {
            let products = try candidates.map { try x.matmul($0) }
            return try weightedSum([products[0].silu(), products[1].gelu(), products[2]], weights: alpha.softmax(), row: 0)
        }
        let h = try mixed(mixed(batch.images, first, alphaFirst), second, alphaSecond)
        return try h.matmul(head).crossEntropy(labels: batch.labels)
    }
}
