import Foundation
import Tensor
import XCTest
@testable import Search

final class ParzenEstimatorTests: XCTestCase {
    func testGammaAndWeightsFollowOptuna() {
        XCTAssertEqual([0, 1, 10, 11, 100, 249, 250, 1000].map(TPEMath.gamma), [0, 1, 1, 2, 10, 25, 25, 25])
        XCTAssertEqual((0..<24).map { TPEMath.weight(position: $0, count: 24) }, Array(repeating: 1, count: 24))
        // numpy: linspace(1/30, 1, 5) then 25 ones.
        let weights = (0..<30).map { TPEMath.weight(position: $0, count: 30) }
        XCTAssertEqual(weights[0], 1.0 / 30, accuracy: 1e-12)
        XCTAssertEqual(weights[2], (1.0 / 30 + 1) / 2, accuracy: 1e-12)
        XCTAssertEqual(weights[4], 1, accuracy: 1e-12)
        XCTAssertEqual(weights[29], 1)
        XCTAssertEqual(TPEMath.weight(position: 0, count: 26), 1.0 / 26)
    }

    func testNormalQuantileInvertsTheCDF() {
        for x in stride(from: -8.0, through: 5.0, by: 0.5) { // above 5, cdf(x) rounds to 1 - ε in doubles
            XCTAssertEqual(TPEMath.quantile(TPEMath.cdf(x)), x, accuracy: 1e-6 * max(1, abs(x)))
        }
    }

    func testTruncatedNormalStaysInRange() {
        var generator = SeededGenerator(seed: 1)
        for (a, b) in [(-1.0, 1.0), (2.0, 2.5), (-9.0, -8.5), (0.0, 40.0)] {
            for _ in 0..<200 {
                let z = TPEMath.truncatedNormal(a, b, using: &generator)
                XCTAssertTrue(z >= a && z <= b, "\(z) outside [\(a), \(b)]")
            }
        }
    }

    func testCategoricalEstimatorIsADistribution() {
        let estimator = CategoricalParzen(counts: [3, 0, 1], totalWeight: 4, observations: 4, priorWeight: 1)
        let p = estimator.logProbability.map(exp)
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertTrue(p[0] > p[2] && p[2] > p[1] && p[1] > 0)
        let empty = CategoricalParzen(counts: [0, 0], totalWeight: 0, observations: 0, priorWeight: 1)
        XCTAssertEqual(empty.logProbability.map(exp), [0.5, 0.5])
    }

    func testNumericEstimatorsIntegrateToOne() {
        let continuous = NumericParzen(observations: [0.2, 0.25, 0.9], weights: [1, 1, 1], low: 0, high: 1, step: nil, priorWeight: 1)
        var integral = 0.0
        let n = 20_000
        for i in 0..<n { integral += exp(continuous.logDensity((Double(i) + 0.5) / Double(n))) / Double(n) }
        XCTAssertEqual(integral, 1, accuracy: 1e-3)
        XCTAssertGreaterThan(continuous.logDensity(0.22), continuous.logDensity(0.6))

        let discrete = NumericParzen(observations: [4, 6], weights: [1, 1], low: 2, high: 10, step: 2, priorWeight: 1)
        let total = stride(from: 2.0, through: 10, by: 2).map { exp(discrete.logDensity($0)) }.reduce(0, +)
        XCTAssertEqual(total, 1, accuracy: 1e-9)
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<100 {
            let x = discrete.sample(using: &generator)
            XCTAssertTrue([2, 4, 6, 8, 10].contains(x), "\(x)")
            let y = continuous.sample(using: &generator)
            XCTAssertTrue(y >= 0 && y <= 1)
        }
    }
}
