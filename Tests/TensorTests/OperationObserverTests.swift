import XCTest
@testable import Tensor

/// Records (name, operation, result) of every observed operation.
final class OperationLog: OperationObserver {
    var steps: [(String, ObservedOperation, Tensor)] = []
    func observe(_ operation: ObservedOperation, output: Tensor) { steps.append((operation.name, operation, output)) }
}

/// The forward-operation observer: what each operation reports, and that it reports nothing
/// when none is installed.
final class OperationObserverTests: XCTestCase {
    func testEveryOperationReportsItsInputsAttributesAndResult() throws {
        let x = randomTensor([2, 4, 6, 6], seed: 1, requiresGrad: false)
        let w = randomTensor([4, 1, 3, 3], seed: 2, requiresGrad: false), b = randomTensor([4], seed: 3, requiresGrad: false)
        let mean = randomTensor([4], seed: 4, requiresGrad: false), variance = Tensor(repeating: 2, shape: [4])
        let fc = randomTensor([3, 6], seed: 5, requiresGrad: false)
        let log = OperationLog()
        var results: [Tensor] = []
        try OperationObservation.observing(log) {
            let c = try x.conv2d(weight: w, bias: b, stride: 2, padding: 1, dilation: 1, groups: 4)
            let n = try c.batchNorm(weight: nil, bias: b, runningMean: mean, runningVar: variance, training: false, epsilon: 1e-3)
            let s = try sum([n.relu(), n.gelu(), n.silu()])
            let d = try (s - n) * n.scaled(by: 0.5)
            let cat = try concatChannels([d.sliceChannels(1..<3), d.maxPool2d(kernel: 3, stride: 1, padding: 1)])
            _ = try cat.stridedSpatialSlice(offset: 1, stride: 2)
            let pooled = try cat.avgPool2d(kernel: 3, stride: 1, padding: 1).globalAvgPool()
            let logits = try pooled.reshaped([2, 1, 6]).flattened().linear(weight: fc, bias: nil)
            results = [c, n, logits, try logits.softmax(), try logits.crossEntropy(labels: [0, 2])]
        }
        XCTAssertEqual(log.steps.map(\.0), [
            "conv2d", "batchNorm", "relu", "gelu", "silu", "add", "subtract", "scale", "multiply", "sliceChannels",
            "maxPool2d", "concatChannels", "stridedSpatialSlice", "avgPool2d", "globalAvgPool", "reshape", "reshape",
            "linear", "softmax", "crossEntropy",
        ])
        guard case let .conv2d(input, weight, bias, 2, 1, 1, 4) = log.steps[0].1 else { return XCTFail("\(log.steps[0].1)") }
        XCTAssertTrue(input === x && weight === w && bias === b && log.steps[0].2 === results[0])
        guard case let .batchNorm(normed, nil, shift, m, v, epsilon, false) = log.steps[1].1 else { return XCTFail("\(log.steps[1].1)") }
        XCTAssertTrue(normed === results[0] && shift === b && m === mean && v === variance && log.steps[1].2 === results[1])
        XCTAssertEqual(epsilon, 1e-3)
        guard case .add(let terms) = log.steps[5].1 else { return XCTFail() }
        XCTAssertTrue(zip(terms, log.steps[2...4]).allSatisfy { $0 === $1.2 })
        guard case .scale(_, 0.5) = log.steps[7].1, case .sliceChannels(_, 1..<3) = log.steps[9].1,
              case .maxPool2d(_, 3, 1, 1) = log.steps[10].1, case .stridedSpatialSlice(_, 1, 2) = log.steps[12].1,
              case .avgPool2d(_, 3, 1, 1) = log.steps[13].1, case .reshape(_, [2, 1, 6]) = log.steps[15].1,
              case .reshape(_, [2, 6]) = log.steps[16].1, case let .linear(_, weightFC, nil) = log.steps[17].1 else {
            return XCTFail("attributes: \(log.steps.map(\.1))")
        }
        XCTAssertTrue(weightFC === fc && log.steps[17].2 === results[2])
        XCTAssertEqual(log.steps[0].1.inputs.count, 3)
        XCTAssertEqual(log.steps[1].1.inputs.count, 4)
    }

    func testNothingIsReportedWithoutAnObserverAndTheOuterOneIsRestored() throws {
        let x = randomTensor([2, 3], seed: 9, requiresGrad: false)
        XCTAssertFalse(OperationObservation.isActive)
        let outer = OperationLog(), inner = OperationLog()
        OperationObservation.observing(outer) {
            _ = x.relu()
            OperationObservation.observing(inner) { _ = x.scaled(by: 2) }
            _ = x.gelu()
        }
        _ = x.silu()
        XCTAssertEqual(outer.steps.map(\.0), ["relu", "gelu"])
        XCTAssertEqual(inner.steps.map(\.0), ["scale"])
        XCTAssertFalse(OperationObservation.isActive)
    }

    /// Operations an observer runs while it handles a report are not reported back to it.
    func testAnObserverDoesNotSeeItsOwnOperations() throws {
        final class Squaring: OperationObserver {
            var names: [String] = []
            func observe(_ operation: ObservedOperation, output: Tensor) {
                names.append(operation.name)
                _ = try? output * output
            }
        }
        let observer = Squaring()
        let x = randomTensor([4], seed: 3, requiresGrad: false)
        OperationObservation.observing(observer) { _ = x.relu().scaled(by: 3) }
        XCTAssertEqual(observer.names, ["relu", "scale"])
    }
}
