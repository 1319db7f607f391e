import Foundation
import XCTest

/// `train`'s recipe options as a user gives them: documented in --help, checked (exit 2 naming the
/// value), reported in --json and metrics.json, and absent from the saved model.
final class RecipeCommandLineTests: XCTestCase {
    static let darts = ["train", "--genotype", "demo/genotypes/darts_v2.txt", "--dataset", "synthetic:1x12x12", "--channels", "4",
                        "--layers", "3", "--train-limit", "64", "--test-limit", "32", "--batch-size", "16"]

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testHelpDocumentsEveryRecipeOption() throws {
        let help = try CommandLineTests.nasTUI(["train", "--help"])
        XCTAssertEqual(help.status, 0)
        for option in ["--recipe <NAME>", "plain, retrain", "--crop-padding <N>", "--horizontal-flip/--no-horizontal-flip", "--cutout <L>",
                       "--drop-path <P>", "--auxiliary-weight <W>", "--label-smoothing <E>"] {
            XCTAssertTrue(help.stdout.contains(option), "--help lists \(option)")
        }
    }

    func testBadRecipeValuesExitTwoNamingTheValue() throws {
        for (arguments, message) in [
            (["--cutout", "-3"], "--cutout -3: accepted: 0 (off) or the side of the square, 1 or more pixels"),
            (["--crop-padding", "-2"], "--crop-padding -2: accepted: 0 (off) or more pixels"),
            (["--drop-path", "1"], "--drop-path 1.0: accepted: a probability 0 <= p < 1 (0: off)"),
            (["--auxiliary-weight", "-0.4"], "--auxiliary-weight -0.4: accepted: 0 (no auxiliary head) or a positive weight"),
            (["--label-smoothing", "1"], "--label-smoothing 1.0: accepted: 0 <= smoothing < 1 (0: off)"),
            (["--recipe", "fancy"], "'fancy' is invalid for '--recipe <NAME>'"),
        ] {
            let run = try CommandLineTests.nasTUI(Self.darts + arguments)
            XCTAssertEqual(run.status, 2, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(message), run.stderr)
        }
        let nb201 = try CommandLineTests.nasTUI(["train", "--space", "nb201", "--arch", SavedModelCommandTests.arch, "--drop-path", "0.2",
                                                 "--dataset", "synthetic:3x12x12"])
        XCTAssertEqual(nb201.status, 2)
        XCTAssertTrue(nb201.stderr.contains("--drop-path 0.2: nb201 networks have no drop path"), nb201.stderr)
    }

    func testTheRetrainRecipeTrainsReportsAndSavesTheInferenceNetwork() throws {
        let model = try CommandLineTests.temporaryDirectory() + "/model"
        let run = try CommandLineTests.nasTUI(Self.darts + ["--epochs", "2", "--recipe", "retrain", "--cutout", "4", "--json", "--save", model])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("recipe: retrain: crop padding 2, horizontal flip, cutout 4, drop path 0.1, auxiliary head weight 0.4, label smoothing 0.1"), run.stderr)
        let result = try json(run.stdout)
        let recipe = try XCTUnwrap(result["recipe"] as? [String: Any])
        XCTAssertEqual(recipe["name"] as? String, "retrain")
        XCTAssertEqual(recipe["cutout"] as? Int, 4)
        XCTAssertEqual(recipe["auxiliary_weight"] as? Double, 0.4)

        let metrics = try json(String(contentsOfFile: model + "/metrics.json", encoding: .utf8))
        let training = try XCTUnwrap(metrics["training"] as? [String: Any])
        XCTAssertEqual(training["recipe"] as? String, "retrain")
        XCTAssertEqual(training["drop_path"] as? Double, 0.1)
        XCTAssertEqual(training["auxiliary_weight"] as? Double, 0.4)
        XCTAssertEqual(training["label_smoothing"] as? Double, 0.1)
        XCTAssertEqual((training["augmentation"] as? [String: Any])?["cutout"] as? Int, 4)
        XCTAssertEqual(metrics["params"] as? Int, result["params"] as? Int)

        // The weights file holds the inference network only; predict evaluates it to the same accuracy.
        let weights = try Data(contentsOf: URL(fileURLWithPath: model + "/model.safetensors"))
        let headerLength = weights.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = String(decoding: weights.dropFirst(8).prefix(headerLength), as: UTF8.self)
        XCTAssertTrue(header.contains("classifier.weight"))
        XCTAssertFalse(header.contains("auxiliary"), "no auxiliary head in the saved weights")
        let predicted = try CommandLineTests.nasTUI(["predict", "--model", model, "--test-limit", "32", "--json"])
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        XCTAssertEqual(try XCTUnwrap(json(predicted.stdout)["accuracy"] as? Double), try XCTUnwrap(result["test_accuracy"] as? Double), accuracy: 1e-6)
    }

    func testWithoutRecipeOptionsTrainingIsAsBefore() throws {
        let run = try CommandLineTests.nasTUI(Self.darts + ["--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stderr.contains("recipe:"), run.stderr)
        let recipe = try XCTUnwrap(try json(run.stdout)["recipe"] as? [String: Any])
        XCTAssertTrue(recipe["name"] is NSNull)
        XCTAssertEqual([recipe["cutout"] as? Int, recipe["crop_padding"] as? Int], [0, 0])
        XCTAssertEqual([recipe["drop_path"] as? Double, recipe["auxiliary_weight"] as? Double, recipe["label_smoothing"] as? Double], [0, 0, 0])
    }
}
