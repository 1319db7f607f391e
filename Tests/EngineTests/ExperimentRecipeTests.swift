import Config
import XCTest
@testable import Engine
import NAS

/// A search's training recipe: read from the config, stored with the study (older studies decode
/// without one), checked, and used by every trial.
final class ExperimentRecipeTests: XCTestCase {
    func testTheConfigSetsTheTrialsRecipe() throws {
        let config = try TOMLDocument(parsing: """
            [experiment]
            space = "darts"
            recipe = "retrain"
            cutout = 6
            auxiliary_weight = 0
            """, file: "e.toml")
        let settings = try ExperimentSettings.resolve(config: config, overrides: ExperimentOverrides()).settings
        try settings.validate()
        XCTAssertEqual(settings.recipe?.recipe, .retrain)
        let (training, notes) = try settings.trialTraining(epochs: 3, seed: 9)
        XCTAssertEqual(training.augmentation, Augmentation(cropPadding: 2, horizontalFlip: true, cutout: 6))
        XCTAssertEqual([training.dropPathProbability, training.auxiliaryWeight, training.labelSmoothing], [0.1, 0, 0.1])
        XCTAssertEqual([training.epochs, training.batchSize], [3, 64])
        XCTAssertEqual(training.seed, 9)
        XCTAssertEqual(notes, [])
        XCTAssertEqual(try ExperimentSettings.decode(settings.json), settings, "stored with the study")
    }

    func testStudiesStoredBeforeTheRecipeDecodeWithout() throws {
        let plain = ExperimentSettings()
        XCTAssertFalse(plain.json.contains("recipe"), "nothing new is written for a study without one")
        XCTAssertNil(try ExperimentSettings.decode(plain.json).recipe)
        let (training, _) = try plain.trialTraining(epochs: 1, seed: 0)
        var expected = TrainingSettings()
        expected.learningRate = plain.learningRate
        XCTAssertEqual(training, expected, "trials train as before")
    }

    func testRecipeValuesAreChecked() throws {
        var settings = ExperimentSettings()
        settings.space = .nb201
        var options = RecipeOptions()
        options.dropPath = 0.2
        settings.recipe = options
        XCTAssertThrowsError(try settings.validate()) {
            XCTAssertEqual("\($0)", "drop_path 0.2: nb201 networks have no drop path; accepted: 0 (or a darts architecture)")
        }
        settings = EngineTestSupport.tabularSettings(budget: 3)
        options = RecipeOptions()
        options.recipe = .retrain
        settings.recipe = options
        XCTAssertThrowsError(try settings.validate()) { XCTAssertTrue("\($0)".contains("accepted without --benchmark"), "\($0)") }
        let bad = try TOMLDocument(parsing: "label_smoothing = 1\n", file: "b.toml")
        XCTAssertThrowsError(try ExperimentSettings.resolve(config: bad, overrides: ExperimentOverrides())) {
            XCTAssertTrue("\($0)".hasPrefix("b.toml:1") && "\($0)".hasSuffix("label_smoothing 1.0; accepted: 0 <= smoothing < 1 (0: off)"), "\($0)")
        }
    }

    func testATrialTrainsWithTheRecipeAndTheAuxiliaryHead() throws {
        var settings = EngineTestSupport.trainingSettings(budget: 1, epochs: 2)
        var options = RecipeOptions()
        options.recipe = .retrain
        settings.recipe = options
        let (engine, _, store) = try EngineTestSupport.engine(settings)
        _ = try engine.start().wait().get()
        let trial = try XCTUnwrap(try store.allFinishedTrials(study: engine.study.id).first)
        XCTAssertEqual(trial.status, .complete, trial.note ?? "")
        XCTAssertEqual(trial.epochs.count, 2)
        XCTAssertTrue(trial.epochs.allSatisfy { $0.trainLoss.isFinite })
    }
}
