import XCTest
@testable import NAS

/// DARTS vocabulary, validation, canonical genotypes, sampling and mutations.
final class DartsGenotypeTests: XCTestCase {
    func testPrimitivesOrder() {
        XCTAssertEqual(DartsOperation.allCases.map(\.rawValue),
                       ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
                        "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"])
        XCTAssertEqual(DartsOperation.allCases.map(\.index), Array(0..<8))
        XCTAssertEqual(DartsOperation.nonNone.count, 7)
        XCTAssertFalse(DartsOperation.nonNone.contains(.none))
        XCTAssertEqual(Set(DartsOperation.allCases.map(\.shortCode)).count, 8)
        XCTAssertEqual(NB201Operation.allCases.map(\.rawValue),
                       ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"])
        XCTAssertEqual(NB201Operation.allCases.map(\.index), Array(0..<5))
    }

    func testCanonicalGenotypes() throws {
        let v1 = DartsGenotype.dartsV1, v2 = DartsGenotype.dartsV2
        XCTAssertEqual(v1.normal.first, .init(.sepConv3x3, 1))
        XCTAssertEqual(v1.reduce.last, .init(.avgPool3x3, 0))
        XCTAssertEqual(v2.normal.last, .init(.dilConv3x3, 2))
        XCTAssertEqual(v2.reduce.map(\.input), [0, 1, 2, 1, 0, 2, 2, 1])
        for g in [v1, v2] {
            XCTAssertEqual(g.normalConcat, [2, 3, 4, 5])
            XCTAssertEqual(g.reduceConcat, [2, 3, 4, 5])
            XCTAssertEqual(try DartsGenotype(normal: g.normal, reduce: g.reduce), g)
        }
    }

    func testCanonicalOrderInsideNodes() throws {
        let v1 = DartsGenotype.dartsV1   // node 0 lists input 1 before input 0
        let c = v1.canonical
        XCTAssertEqual(Array(c.normal[0...1]), [.init(.sepConv3x3, 0), .init(.sepConv3x3, 1)])
        XCTAssertNotEqual(c, v1)
        XCTAssertEqual(c.canonical, c)
        XCTAssertEqual(c.supernetOps(.normal), v1.supernetOps(.normal))
    }

    func testSupernetEdges() {
        XCTAssertEqual(DartsGenotype.supernetEdgeLabels.count, DartsGenotype.supernetEdgeCount)
        XCTAssertEqual(DartsGenotype.supernetEdgeLabels.first, "2<-0")
        XCTAssertEqual(DartsGenotype.supernetEdgeLabels.last, "5<-4")
        var seen: [Int] = []
        for node in 0..<4 { for input in 0..<(2 + node) { seen.append(DartsGenotype.supernetEdgeIndex(node: node, input: input)) } }
        XCTAssertEqual(seen, Array(0..<14))
        let ops = DartsGenotype.dartsV2.supernetOps(.normal)
        XCTAssertEqual(ops.compactMap { $0 }.count, 8)
        XCTAssertEqual(ops[DartsGenotype.supernetEdgeIndex(node: 3, input: 2)], .dilConv3x3)
        XCTAssertNil(ops[DartsGenotype.supernetEdgeIndex(node: 3, input: 4)] as DartsOperation?)
    }

    /// Rebuilding through the validating initializer proves a genotype valid.
    private func assertValid(_ g: DartsGenotype, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try DartsGenotype(normal: g.normal, normalConcat: g.normalConcat,
                                           reduce: g.reduce, reduceConcat: g.reduceConcat), file: file, line: line)
    }

    func testSamplingIsValidAndCoversTheSpace() {
        var opsSeen = Set<DartsOperation>()
        var inputsSeen = Set<[Int]>()
        var distinct = Set<DartsGenotype>()
        for seed in 0..<500 as Range<UInt64> {
            var rng = GenotypeTestRNG(seed: seed)
            let g = DartsGenotype.random(using: &rng)
            assertValid(g)
            for cell in DartsGenotype.Cell.allCases {
                let edges = g.pairs(cell)
                XCTAssertEqual(edges.count, 8)
                for node in 0..<4 {
                    let a = edges[2 * node], b = edges[2 * node + 1]
                    XCTAssertLessThan(a.input, b.input)
                    XCTAssertLessThan(b.input, 2 + node)
                    inputsSeen.insert([node, a.input, b.input])
                }
                edges.forEach { opsSeen.insert($0.op) }
            }
            distinct.insert(g)
            // Same seed, same genotype.
            var again = GenotypeTestRNG(seed: seed)
            XCTAssertEqual(DartsGenotype.random(using: &again), g)
        }
        XCTAssertEqual(opsSeen, Set(DartsOperation.nonNone))
        XCTAssertEqual(inputsSeen.count, 1 + 3 + 6 + 10)   // C(2,2) + C(3,2) + C(4,2) + C(5,2)
        XCTAssertEqual(distinct.count, 500)
    }

    func testMutationsAreValidAndDifferInExactlyOneSlot() throws {
        var rng = GenotypeTestRNG(seed: 11)
        let genotypes = [DartsGenotype.dartsV1, .dartsV2] + (0..<20).map { _ in DartsGenotype.random(using: &rng) }
        XCTAssertEqual(DartsGenotype.slots.count, 16)
        for g in genotypes {
            let mutations = g.mutations()
            XCTAssertEqual(mutations.count, 16 * 6 + 2 * 2 * (0 + 1 + 2 + 3))   // 2 cells, 2 slots a node, i inputs left for node i
            XCTAssertEqual(Set(mutations).count, mutations.count)
            let neighbours = g.neighbours()
            XCTAssertEqual(Set(neighbours).count, neighbours.count)
            for (mutation, n) in zip(mutations, neighbours) {
                assertValid(n)
                XCTAssertNotEqual(n, g)
                let changed = DartsGenotype.slots.filter { n[$0] != g[$0] }
                XCTAssertEqual(changed, [mutation.slot])
                XCTAssertEqual(n.normalConcat, g.normalConcat)
                switch mutation {
                case .op(let slot, let op): XCTAssertEqual(n[slot], .init(op, g[slot].input))
                case .input(let slot, let input): XCTAssertEqual(n[slot], .init(g[slot].op, input))
                }
            }
            var r = GenotypeTestRNG(seed: 5)
            XCTAssertTrue(Set(neighbours).contains(g.mutated(using: &r)))
        }
    }

    func testInvalidMutationsThrow() {
        let g = DartsGenotype.dartsV2
        let slot = DartsGenotype.Slot(cell: .reduce, position: 7)   // ('max_pool_3x3', 1), sibling input 2
        XCTAssertEqual(slot.node, 3)
        XCTAssertEqual(slot.sibling.position, 6)
        XCTAssertThrowsError(try g.applying(.input(slot, 2))) { e in
            XCTAssertTrue("\(e)".contains("distinct inputs"), "\(e)")
        }
        XCTAssertThrowsError(try g.applying(.input(slot, 5)))
        XCTAssertThrowsError(try g.applying(.op(slot, .none)))
        XCTAssertEqual(try g.applying(.input(slot, 4))[slot], .init(.maxPool3x3, 4))
    }
}
