import XCTest
@testable import Tensor

/// Optimizer updates against hand-computed PyTorch semantics.
final class OptimizerTests: XCTestCase {
    private func parameter(_ value: Float, grad: Float) throws -> Tensor {
        let p = try Tensor(shape: [1], scalars: [value], requiresGrad: true)
        p.grad = try Tensor(shape: [1], scalars: [grad])
        return p
    }

    func testSGDMomentumWeightDecayAndNesterov() throws {
        let p = try parameter(1, grad: 0.5)
        let sgd = SGD([p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        sgd.step()                       // d = 0.5 + 0.01 = 0.51, v = 0.51
        XCTAssertEqual(p.item, 1 - 0.051, accuracy: 1e-6)
        sgd.step()                       // d = 0.5 + 0.00949 = 0.50949, v = 0.9·0.51 + d
        XCTAssertEqual(p.item, 0.949 - 0.1 * (0.459 + 0.50949), accuracy: 1e-6)

        let q = try parameter(1, grad: 1)
        SGD([q], learningRate: 0.1, momentum: 0.5, nesterov: true).step() // d + μ·v = 1.5
        XCTAssertEqual(q.item, 0.85, accuracy: 1e-6)
    }

    func testAdamFirstStepsMatchTheFormula() throws {
        let p = try parameter(1, grad: 2)
        let adam = Adam([p], learningRate: 0.1, beta1: 0.5, beta2: 0.999, weightDecay: 0)
        adam.step() // first step moves by lr·sign(g) (bias-corrected m/√v = 1)
        XCTAssertEqual(p.item, 0.9, accuracy: 1e-5)
        p.grad = try Tensor(shape: [1], scalars: [-2])
        adam.step()
        let m = 0.5 * 0.5 * 2 + 0.5 * -2.0, v = 0.999 * 0.001 * 4 + 0.001 * 4.0
        let expected = 0.9 - 0.1 * (m / (1 - 0.25)) / ((v / (1 - 0.999 * 0.999)).squareRoot() + 1e-8)
        XCTAssertEqual(Double(p.item), expected, accuracy: 1e-5)
    }

    func testClippingByGlobalNorm() throws {
        let a = try parameter(0, grad: 3), b = try parameter(0, grad: 4)
        XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 1), 5, accuracy: 1e-6)
        XCTAssertEqual(a.grad!.item, 0.6, accuracy: 1e-5)
        XCTAssertEqual(b.grad!.item, 0.8, accuracy: 1e-5)
        clipGradientNorm([a, b], maxNorm: 10) // under the limit: unchanged
        XCTAssertEqual(b.grad!.item, 0.8, accuracy: 1e-5)
    }

    func testCosineSchedule() {
        let schedule = CosineSchedule(base: 0.025, minimum: 0.001, totalSteps: 10)
        XCTAssertEqual(schedule.learningRate(at: 0), 0.025, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(at: 5), 0.013, accuracy: 1e-6)
        XCTAssertEqual(schedule.learningRate(at: 10), 0.001, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(at: 20), 0.001, accuracy: 1e-7)
    }
}
