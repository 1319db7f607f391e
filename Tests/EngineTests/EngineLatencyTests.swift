import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// Trials get their latency from the latency model profiled on this machine when the tabular
/// benchmark has no latency column, so the Pareto front and the latency target work there too.
final class EngineLatencyTests: XCTestCase {
    func testTabularTrialsWithoutALatencyColumnGetPredictedLatency() throws {
        var settings = EngineTestSupport.tabularSettings(budget: 30)
        settings.latencyTarget = 0.001  // below every network: every fitness is penalised
        let (engine, store, _) = try EngineTestSupport.engine(settings)
        try engine.run()

        let snapshot = store.snapshot
        XCTAssertEqual(snapshot.trials.count, 30)
        for trial in snapshot.trials {
            let latency = try XCTUnwrap(trial.latencyMs, "trial \(trial.id) has no latency")
            XCTAssertGreaterThan(latency, 0)
            let accuracy = try XCTUnwrap(trial.accuracy)
            XCTAssertEqual(try XCTUnwrap(trial.fitness), accuracy / pow(latency / 0.001, 1.5), accuracy: 1e-12)
        }
        XCTAssertFalse(snapshot.paretoFront.isEmpty)

        // The same architecture always gets the same predicted latency, and a bigger cell costs more.
        let model = try LatencyModel.cached(space: .nb201(channels: 16, cellsPerStage: 5), inputShape: [3, 32, 32])
        let light = try NB201Architecture(nb201String: "|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|")
        let heavy = try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
        XCTAssertGreaterThan(try model.predict(.nb201(heavy)), 1.5 * (try model.predict(.nb201(light))))
    }
}

/// Training trials take their latency from the latency model, not from a measurement.
final class EngineTrainingLatencyTests: XCTestCase {
    func testTrainingTrialLatencyIsTheModelsPrediction() throws {
        let (engine, _, _) = try EngineTestSupport.engine(EngineTestSupport.trainingSettings(budget: 2, epochs: 1))
        try engine.run()
        let model = try XCTUnwrap(engine.evaluator.latencyModel)
        XCTAssertEqual(model.signature, "darts C=4 L=3 input=1x12x12 classes=10")
        for trial in engine.history.trials {
            XCTAssertEqual(try XCTUnwrap(trial.latencyMs), try model.predict(trial.genotype), "trial \(trial.id)")
        }
    }
}

/// `prerank` wraps the study's strategy in zero-cost pre-ranking.
final class EnginePreRankingTests: XCTestCase {
    func testPreRankedTabularStudyRunsAndSaysSo() throws {
        var settings = EngineTestSupport.tabularSettings(budget: 5)
        settings.prerank = 4
        let (engine, store, _) = try EngineTestSupport.engine(settings)
        XCTAssertTrue(store.snapshot.log.contains { $0.contains("pre-ranked: the best by synflow of 4 candidates") }, "\(store.snapshot.log)")
        try engine.run()
        XCTAssertTrue(store.snapshot.log.contains { $0.hasPrefix("pre-ranking for trial 5: best of 4 by synflow") }, "\(store.snapshot.log)")
        XCTAssertEqual(Set(store.snapshot.trials.map(\.summary)).count, 5)
        XCTAssertEqual(try ExperimentSettings.decode(settings.json).prerank, 4, "saved with the study")
    }

    func testBadPoolIsRefused() throws {
        var settings = EngineTestSupport.tabularSettings(budget: 5)
        settings.prerank = 0
        XCTAssertThrowsError(try settings.validate()) { XCTAssertTrue("\($0)".contains("prerank 0; accepted: 1 or more"), "\($0)") }
    }
}
