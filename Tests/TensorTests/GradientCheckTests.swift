import XCTest
@testable import Tensor

/// Finite-difference gradient checks: one or more per operation.
final class GradientCheckTests: XCTestCase {
    func testMatmul() throws {
        try assertGradientsMatch([randomTensor([3, 4], seed: 1), randomTensor([4, 5], seed: 2)]) { try $0[0].matmul($0[1]) }
    }

    func testLinearWithBias() throws {
        try assertGradientsMatch([randomTensor([4, 6], seed: 1), randomTensor([3, 6], seed: 2), randomTensor([3], seed: 3)]) {
            try $0[0].linear(weight: $0[1], bias: $0[2])
        }
    }

    func testDenseConvolution() throws {
        try assertGradientsMatch([randomTensor([2, 3, 6, 6], seed: 1), randomTensor([4, 3, 3, 3], seed: 2)]) {
            try $0[0].conv2d(weight: $0[1], stride: 1, padding: 1)
        }
    }

    func testStridedDilatedConvolutionWithBias() throws {
        try assertGradientsMatch([randomTensor([2, 2, 9, 8], seed: 4), randomTensor([3, 2, 3, 3], seed: 5), randomTensor([3], seed: 6)]) {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 2, dilation: 2)
        }
    }

    func testPointwiseStridedConvolution() throws {
        try assertGradientsMatch([randomTensor([2, 4, 6, 6], seed: 7), randomTensor([2, 4, 1, 1], seed: 8)]) {
            try $0[0].conv2d(weight: $0[1], stride: 2)
        }
    }

    func testGroupedConvolution() throws {
        try assertGradientsMatch([randomTensor([2, 4, 5, 5], seed: 9), randomTensor([6, 2, 3, 3], seed: 10)]) {
            try $0[0].conv2d(weight: $0[1], padding: 1, groups: 2)
        }
    }

    func testDepthwiseConvolution() throws {
        for (stride, padding, dilation, kernel) in [(1, 1, 1, 3), (2, 2, 1, 5), (1, 2, 2, 3), (2, 4, 2, 5)] {
            try assertGradientsMatch([randomTensor([2, 3, 7, 7], seed: 11), randomTensor([3, 1, kernel, kernel], seed: 12)]) {
                try $0[0].conv2d(weight: $0[1], stride: stride, padding: padding, dilation: dilation, groups: 3)
            }
        }
    }

    func testMaxPool() throws {
        try assertGradientsMatch([randomTensor([2, 2, 7, 7], seed: 13)], epsilon: 1e-3) { try $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }
        try assertGradientsMatch([randomTensor([1, 2, 6, 6], seed: 14)], epsilon: 1e-3) { try $0[0].maxPool2d(kernel: 2) }
    }

    func testAvgPoolExcludingPadding() throws {
        try assertGradientsMatch([randomTensor([2, 2, 6, 6], seed: 15)]) { try $0[0].avgPool2d(kernel: 3, stride: 1, padding: 1) }
        try assertGradientsMatch([randomTensor([1, 2, 7, 7], seed: 16)]) { try $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1) }
    }

    func testGlobalAvgPool() throws {
        try assertGradientsMatch([randomTensor([2, 3, 4, 5], seed: 17)]) { try $0[0].globalAvgPool() }
    }

    func testBatchNormTraining() throws {
        let running = (Tensor(zeros: [3]), Tensor(repeating: 1, shape: [3]))
        try assertGradientsMatch([randomTensor([4, 3, 3, 3], seed: 18), randomTensor([3], seed: 19), randomTensor([3], seed: 20)]) {
            try $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: running.0, runningVar: running.1, training: true)
        }
        try assertGradientsMatch([randomTensor([5, 4], seed: 21)]) {
            try $0[0].batchNorm(weight: nil, bias: nil, runningMean: Tensor(zeros: [4]), runningVar: Tensor(repeating: 1, shape: [4]), training: true)
        }
    }

    func testBatchNormEvaluation() throws {
        let mean = try Tensor(shape: [2], scalars: [0.5, -1]), variance = try Tensor(shape: [2], scalars: [2, 0.5])
        try assertGradientsMatch([randomTensor([3, 2, 2, 2], seed: 22), randomTensor([2], seed: 23), randomTensor([2], seed: 24)]) {
            try $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: mean, runningVar: variance, training: false)
        }
    }

    func testActivations() throws {
        // ReLU is checked away from its kink.
        let x = randomTensor([3, 7], seed: 25)
        for i in 0..<x.count where abs(x.data[i]) < 0.05 { x.data[i] = 0.5 }
        try assertGradientsMatch([x]) { $0[0].relu() }
        try assertGradientsMatch([randomTensor([3, 7], seed: 26)]) { $0[0].gelu() }
        try assertGradientsMatch([randomTensor([3, 7], seed: 27)]) { $0[0].silu() }
    }

    func testDropoutUsesItsMask() throws {
        try assertGradientsMatch([randomTensor([4, 8], seed: 28)]) {
            var g = SeededGenerator(seed: 5)
            return try $0[0].dropout(0.3, training: true, generator: &g)
        }
    }

    func testArithmetic() throws {
        try assertGradientsMatch([randomTensor([2, 5], seed: 29), randomTensor([2, 5], seed: 30)]) { try $0[0] + $0[1] }
        try assertGradientsMatch([randomTensor([2, 5], seed: 31), randomTensor([2, 5], seed: 32)]) { try $0[0] - $0[1] }
        try assertGradientsMatch([randomTensor([2, 5], seed: 33), randomTensor([2, 5], seed: 34)]) { try $0[0] * $0[1] }
        try assertGradientsMatch([randomTensor([2, 5], seed: 35)]) { $0[0].scaled(by: -2.5) }
        try assertGradientsMatch([randomTensor([2, 3], seed: 36), randomTensor([2, 3], seed: 37), randomTensor([2, 3], seed: 38)]) {
            try sum(Array($0))
        }
    }

    func testWeightedSumReachesWeightsAndInputs() throws {
        try assertGradientsMatch([randomTensor([3, 4], seed: 39), randomTensor([2, 2, 3, 3], seed: 40), randomTensor([2, 2, 3, 3], seed: 41), randomTensor([2, 2, 3, 3], seed: 42)]) {
            try weightedSum([$0[1], nil, $0[2], $0[3]], weights: $0[0], row: 1)
        }
    }

    func testChannelConcatAndSlices() throws {
        try assertGradientsMatch([randomTensor([2, 2, 3, 3], seed: 43), randomTensor([2, 3, 3, 3], seed: 44)]) { try concatChannels(Array($0)) }
        try assertGradientsMatch([randomTensor([2, 5, 3, 3], seed: 45)]) { try $0[0].sliceChannels(1..<4) }
        try assertGradientsMatch([randomTensor([2, 2, 5, 6], seed: 46)]) { try $0[0].stridedSpatialSlice(offset: 1, stride: 2) }
        try assertGradientsMatch([randomTensor([2, 3, 4], seed: 47)]) { try $0[0].reshaped([6, -1]) }
    }

    func testSoftmaxFamily() throws {
        try assertGradientsMatch([randomTensor([3, 5], seed: 48)]) { try $0[0].softmax() }
        try assertGradientsMatch([randomTensor([3, 5], seed: 49)]) { try $0[0].logSoftmax() }
        try assertGradientsMatch([randomTensor([4, 6], seed: 50)]) { try $0[0].crossEntropy(labels: [0, 5, 2, 2]) }
    }

    func testReductions() throws {
        try assertGradientsMatch([randomTensor([3, 4], seed: 51)]) { $0[0].sum() }
        try assertGradientsMatch([randomTensor([3, 4], seed: 52)]) { $0[0].mean() }
    }

    func testGradientsFlowThroughAComposedNetwork() throws {
        let running = (Tensor(zeros: [4]), Tensor(repeating: 1, shape: [4]))
        try assertGradientsMatch([randomTensor([2, 1, 6, 6], seed: 53), randomTensor([4, 1, 3, 3], seed: 54), randomTensor([3, 36], seed: 55, scale: 0.3)], tolerance: 3e-2) {
            let h = try $0[0].conv2d(weight: $0[1], padding: 1)
                .batchNorm(weight: nil, bias: nil, runningMean: running.0, runningVar: running.1, training: true)
                .gelu().avgPool2d(kernel: 2)
            return try h.flattened().linear(weight: $0[2], bias: nil).crossEntropy(labels: [1, 2])
        }
    }
}
