import Config
import XCTest
@testable import NAS

/// The named recipes, single values over them, their checks (as `train` options and config keys)
/// and the stored training settings of files written before the recipe existed.
final class RecipeOptionsTests: XCTestCase {
    private func settings(_ options: RecipeOptions, space: SpaceName = .darts) throws -> (TrainingSettings, [String]) {
        var s = TrainingSettings()
        let notes = try options.apply(to: &s, space: space)
        return (s, notes)
    }

    func testNoOptionsKeepTodaysRecipe() throws {
        XCTAssertEqual(try settings(RecipeOptions()).0, TrainingSettings())
        var plain = RecipeOptions()
        plain.recipe = .plain
        var expected = TrainingSettings()
        expected.recipe = .plain
        XCTAssertEqual(try settings(plain).0, expected)
    }

    func testTheRetrainRecipe() throws {
        var options = RecipeOptions()
        options.recipe = .retrain
        let (s, notes) = try settings(options)
        XCTAssertEqual(s.augmentation, Augmentation(cropPadding: 2, horizontalFlip: true, cutout: 8))
        XCTAssertEqual(s.dropPathProbability, 0.1)
        XCTAssertEqual(s.auxiliaryWeight, 0.4)
        XCTAssertEqual(s.labelSmoothing, 0.1)
        XCTAssertEqual(s.recipe, .retrain)
        XCTAssertEqual(notes, [])
        XCTAssertEqual([s.epochs, s.batchSize], [1, 64], "the recipe does not choose the length of training")
    }

    func testSingleValuesOverrideTheRecipe() throws {
        var options = RecipeOptions()
        options.recipe = .retrain
        options.cutout = 0
        options.horizontalFlip = false
        options.dropPath = 0.2
        let (s, _) = try settings(options)
        XCTAssertEqual(s.augmentation, Augmentation(cropPadding: 2))
        XCTAssertEqual(s.dropPathProbability, 0.2)
        XCTAssertEqual(s.auxiliaryWeight, 0.4)
        var alone = RecipeOptions()
        alone.labelSmoothing = 0.05
        let (t, _) = try settings(alone)
        XCTAssertEqual(t.labelSmoothing, 0.05)
        XCTAssertNil(t.recipe)
        XCTAssertEqual(t.augmentation, .none)
    }

    func testBadValuesAreNamedWithWhatIsAccepted() {
        let cases: [(WritableKeyPath<RecipeOptions, Double?>?, WritableKeyPath<RecipeOptions, Int?>?, Double, String)] = [
            (nil, \.cutout, -3, "--cutout -3: accepted: 0 (off) or the side of the square, 1 or more pixels"),
            (nil, \.cropPadding, -1, "--crop-padding -1: accepted: 0 (off) or more pixels"),
            (\.dropPath, nil, 1, "--drop-path 1.0: accepted: a probability 0 <= p < 1 (0: off)"),
            (\.dropPath, nil, -0.1, "--drop-path -0.1: accepted: a probability 0 <= p < 1 (0: off)"),
            (\.auxiliaryWeight, nil, -0.4, "--auxiliary-weight -0.4: accepted: 0 (no auxiliary head) or a positive weight (DARTS: 0.4)"),
            (\.auxiliaryWeight, nil, .infinity, "--auxiliary-weight inf: accepted: 0 (no auxiliary head) or a positive weight (DARTS: 0.4)"),
            (\.labelSmoothing, nil, 1.5, "--label-smoothing 1.5: accepted: 0 <= smoothing < 1 (0: off)"),
        ]
        for (double, int, value, message) in cases {
            var options = RecipeOptions()
            if let double { options[keyPath: double] = value }
            if let int { options[keyPath: int] = Int(value) }
            XCTAssertThrowsError(try options.validate()) { XCTAssertEqual("\($0)", message) }
            XCTAssertThrowsError(try settings(options))
        }
        var options = RecipeOptions()
        options.cutout = -3
        XCTAssertThrowsError(try options.validate(naming: .configKey)) {
            XCTAssertEqual("\($0)", "cutout -3; accepted: 0 (off) or the side of the square, 1 or more pixels")
        }
    }

    func testDartsOnlyValuesOnOtherSpaces() throws {
        var options = RecipeOptions()
        options.recipe = .retrain
        let (s, notes) = try settings(options, space: .nb201)
        XCTAssertEqual([s.dropPathProbability, s.auxiliaryWeight], [0, 0])
        XCTAssertEqual(s.augmentation.cutout, 8, "augmentation and label smoothing stay")
        XCTAssertEqual(notes, ["recipe retrain: drop path and the auxiliary head are for darts networks; both are off for this nb201 network"])
        options.dropPath = 0.2
        XCTAssertThrowsError(try settings(options, space: .chain)) {
            XCTAssertEqual("\($0)", "--drop-path 0.2: chain networks have no drop path; accepted: 0 (or a darts architecture)")
        }
        options.dropPath = nil
        options.auxiliaryWeight = 0.4
        XCTAssertThrowsError(try settings(options, space: .nb201)) {
            XCTAssertEqual("\($0)", "--auxiliary-weight 0.4: nb201 networks have no auxiliary head; accepted: 0 (or a darts architecture)")
        }
    }

    func testConfigKeysAreRead() throws {
        let document = try TOMLDocument(parsing: """
            recipe = "retrain"
            cutout = 12
            horizontal_flip = false
            drop_path = 0
            label_smoothing = 0.2
            """, file: "r.toml")
        var options = RecipeOptions()
        try options.read(document.root)
        XCTAssertEqual(options.recipe, .retrain)
        XCTAssertEqual(options.cutout, 12)
        XCTAssertEqual(options.horizontalFlip, false)
        XCTAssertEqual(options.dropPath, 0, "an integer reads as a number")
        XCTAssertEqual(options.labelSmoothing, 0.2)
        XCTAssertNil(options.cropPadding)
        XCTAssertEqual(RecipeOptions.configKeys, ["recipe", "crop_padding", "horizontal_flip", "cutout", "drop_path",
                                                  "auxiliary_weight", "label_smoothing"])
    }

    func testBadConfigValuesNameTheLine() throws {
        for (text, message) in [
            ("recipe = \"fancy\"", "recipe 'fancy'; accepted: plain, retrain"),
            ("drop_path = 1.5", "drop_path 1.5; accepted: a probability 0 <= p < 1 (0: off)"),
            ("cutout = -4", "cutout -4; accepted: 0 (off) or the side of the square, 1 or more pixels"),
        ] {
            let document = try TOMLDocument(parsing: "budget = 3\n" + text, file: "r.toml")
            var options = RecipeOptions()
            XCTAssertThrowsError(try options.read(document.root)) {
                XCTAssertTrue("\($0)".hasPrefix("r.toml:2") && "\($0)".hasSuffix(": " + message), "\($0)")
            }
        }
    }

    func testStoredSettingsWithoutTheRecipeDecodeAsBefore() throws {
        // metrics.json's "training" as nas-tui wrote it before the recipe existed.
        let old = #"""
            {"augmentation":{"crop_padding":0,"horizontal_flip":false},"batchSize":64,"epochs":1,"evaluationBatchSize":256,
             "gradientClip":5,"learningRate":0.025,"minimumLearningRate":0,"momentum":0.9,"nesterov":false,"optimizer":"sgd",
             "seed":0,"weightDecay":0.0003}
            """#
        XCTAssertEqual(try JSONDecoder().decode(TrainingSettings.self, from: Data(old.utf8)), TrainingSettings())
        var s = TrainingSettings()
        TrainingRecipe.retrain.apply(to: &s)
        let encoded = try JSONEncoder().encode(s)
        XCTAssertEqual(try JSONDecoder().decode(TrainingSettings.self, from: encoded), s)
        let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any]).keys
        XCTAssertTrue(Set(keys).isSuperset(of: ["drop_path", "auxiliary_weight", "label_smoothing", "recipe"]), "\(keys)")
    }

    func testTrainingSettingsCheckTheRecipeValues() {
        var s = TrainingSettings()
        s.dropPathProbability = 1
        XCTAssertThrowsError(try s.validate()) { XCTAssertEqual("\($0)", "training settings: drop path 1.0; accepted: 0 <= p < 1") }
        s = TrainingSettings()
        s.augmentation.cutout = 0
        s.labelSmoothing = -0.1
        XCTAssertThrowsError(try s.validate()) { XCTAssertEqual("\($0)", "training settings: label smoothing -0.1; accepted: 0 <= ε < 1") }
    }
}
