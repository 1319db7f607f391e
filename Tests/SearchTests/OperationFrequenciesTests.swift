import NAS
import Tensor
import XCTest
@testable import Search

final class OperationFrequenciesTests: XCTestCase {
    func testDartsRowsSumToOnePerEdge() throws {
        var generator = SeededGenerator(seed: 1)
        let trials = (0..<30).map { id in
            Trial(id: id, genotype: .darts(DartsGenotype.random(using: &generator)), strategy: "evolution",
                  status: .complete, accuracy: Double(id) / 30, fitness: Double(id) / 30)
        }
        let frequencies = try XCTUnwrap(operationFrequencies(trials: trials, top: 10))
        XCTAssertEqual(frequencies.trialCount, 10)
        XCTAssertEqual(frequencies.matrices.map(\.title), ["normal", "reduce"])
        for matrix in frequencies.matrices {
            XCTAssertEqual(matrix.values.count, 14)
            XCTAssertEqual(matrix.columnLabels.first, "none")
            for row in matrix.values {
                XCTAssertEqual(row.count, 8)
                XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-9)
            }
        }
        // Every node keeps two of its edges: the non-none share of its rows adds up to 2.
        let normal = frequencies.matrices[0].values
        XCTAssertEqual(normal[2...4].map { 1 - $0[0] }.reduce(0, +), 2, accuracy: 1e-9)
    }

    func testNB201CountsTheTopTrials() throws {
        let good = try NB201Architecture(ops: Array(repeating: .norConv3x3, count: 6))
        let bad = try NB201Architecture(ops: Array(repeating: .none, count: 6))
        let trials = [
            Trial(id: 0, genotype: .nb201(good), strategy: "tpe", status: .complete, fitness: 0.9),
            Trial(id: 1, genotype: .nb201(good.replacing(edge: 0, with: .skipConnect)), strategy: "tpe", status: .complete, fitness: 0.8),
            Trial(id: 2, genotype: .nb201(bad), strategy: "tpe", status: .complete, fitness: 0.1),
            Trial(id: 3, genotype: .nb201(bad), strategy: "tpe", status: .pruned),
        ]
        let frequencies = try XCTUnwrap(operationFrequencies(trials: trials, top: 2))
        let cell = frequencies.matrices[0]
        XCTAssertEqual(cell.rowLabels, NB201Architecture.edgeLabels)
        XCTAssertEqual(cell.values[0], [0, 0.5, 0, 0.5, 0])
        XCTAssertEqual(cell.values[5], [0, 0, 0, 1, 0])
        for row in cell.values { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-9) }
        XCTAssertEqual(try XCTUnwrap(operationFrequencies(trials: trials, top: 0)).trialCount, 3)
        XCTAssertNil(operationFrequencies(trials: [trials[3]], top: 5), "no complete trials")
    }

    func testEvolutionReportsItsPopulation() throws {
        let domain = SearchDomain(space: .nb201(channels: 16, cellsPerStage: 5))
        let evolution = try RegularizedEvolution(domain: domain, populationSize: 5, sampleSize: 2)
        let trials = try runSearch(evolution, budget: 12, seed: 1, objective: conv3x3Share)
        XCTAssertEqual(evolution.operationFrequencies(history: trials, top: 3)?.trialCount, 5)
        let random = RandomSearch(domain: domain)
        XCTAssertEqual(random.operationFrequencies(history: trials, top: 3)?.trialCount, 3)
    }
}
