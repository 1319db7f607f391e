import XCTest
@testable import NAS

/// NAS-Bench-201 cells: edge order, the base-5 index, neighbours and sampling.
final class NB201GenotypeTests: XCTestCase {
    func testEdgeOrder() throws {
        XCTAssertEqual(NB201Architecture.edgeLabels, ["1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"])
        let a = try NB201Architecture(nb201String: GenotypeTests.nb201Example)
        XCTAssertEqual(a.op(to: 1, from: 0), .norConv3x3)
        XCTAssertEqual(a.op(to: 2, from: 1), .avgPool3x3)
        XCTAssertEqual(a.op(to: 3, from: 0), .skipConnect)
        XCTAssertEqual(a.op(to: 3, from: 2), .skipConnect)
    }

    func testIndexRoundTripOverTheWholeSpace() throws {
        let all = NB201Architecture.all
        XCTAssertEqual(all.count, 15_625)
        for (i, a) in all.enumerated() { XCTAssertEqual(a.index, i) }
        XCTAssertEqual(Set(all).count, 15_625)
        XCTAssertEqual(Set(all.map(\.nb201String)).count, 15_625)
        XCTAssertEqual(try NB201Architecture(index: 0).ops, Array(repeating: .none, count: 6))
        XCTAssertEqual(try NB201Architecture(index: 15_624).ops, Array(repeating: .avgPool3x3, count: 6))
        XCTAssertEqual(try NB201Architecture(index: 1).ops.last, .skipConnect)   // edge 3<-2 is the last digit
        XCTAssertEqual(try NB201Architecture(index: 5 * 5 * 5 * 5 * 5).ops.first, .skipConnect)
        let a = try NB201Architecture(nb201String: GenotypeTests.nb201Example)
        XCTAssertEqual(a.index, ((((3 * 5 + 3) * 5 + 4) * 5 + 1) * 5 + 3) * 5 + 1)
        XCTAssertEqual(try NB201Architecture(index: a.index), a)
        // The string round-trips for a spread of the space.
        for i in stride(from: 0, to: 15_625, by: 7) {
            XCTAssertEqual(try NB201Architecture(nb201String: all[i].nb201String), all[i])
        }
    }

    func testNeighboursDifferInOneEdge() throws {
        for index in [0, 4_321, 15_624] {
            let a = try NB201Architecture(index: index)
            let neighbours = a.neighbours()
            XCTAssertEqual(neighbours.count, 24)
            XCTAssertEqual(Set(neighbours).count, 24)
            for n in neighbours {
                XCTAssertEqual(zip(n.ops, a.ops).filter { $0 != $1 }.count, 1)
            }
            var rng = GenotypeTestRNG(seed: UInt64(index))
            for _ in 0..<20 { XCTAssertTrue(neighbours.contains(a.mutated(using: &rng))) }
        }
    }

    func testSamplingIsUniform() {
        var rng = GenotypeTestRNG(seed: 1)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 6)
        let n = 20_000
        for _ in 0..<n {
            let a = NB201Architecture.random(using: &rng)
            for (edge, op) in a.ops.enumerated() { counts[edge][op.index] += 1 }
        }
        for edge in counts {
            for c in edge { XCTAssertEqual(Double(c) / Double(n), 0.2, accuracy: 0.02) }
        }
    }
}
