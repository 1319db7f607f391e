import Foundation
import XCTest
@testable import ModelExport
import NAS
import Tensor

/// The saved-model directory: writing (never over anything), reading back, and the errors.
final class SavedModelTests: XCTestCase {
    private let manager = FileManager.default

    func testWrittenModelReadsBackWithTheSameLogits() throws {
        for fixture in try ExportFixture.all() {
            let path = try fixture.save()
            XCTAssertEqual(Set(try manager.contentsOfDirectory(atPath: path)), Set(SavedModel.fileNames), fixture.name)
            let saved = try SavedModel.load(path)
            XCTAssertEqual(saved.genotype, fixture.genotype, fixture.name)
            XCTAssertEqual(saved.network.inputShape, fixture.inputShape)
            XCTAssertEqual(saved.normalization, fixture.normalization)
            XCTAssertFalse(saved.model.isTraining)
            let reloaded = ExportFixture(name: fixture.name, space: fixture.space, genotype: fixture.genotype, model: saved.model,
                                         inputShape: fixture.inputShape, classes: fixture.classes, normalization: fixture.normalization,
                                         images: fixture.images)
            XCTAssertEqual(try reloaded.logits().scalars, try fixture.logits().scalars, fixture.name)
            // metrics.json decodes to what was written; genotype.json is the export JSON.
            let metrics = try JSONDecoder().decode(ModelMetrics.self, from: Data(contentsOf: URL(fileURLWithPath: path + "/metrics.json")))
            XCTAssertEqual(metrics, try fixture.metrics().with(latency: metrics.latencyMs))
            XCTAssertEqual(try String(contentsOfFile: path + "/genotype.json", encoding: .utf8), fixture.genotype.jsonString + "\n")
        }
    }

    func testMetricsCarryTheFiguresAndTheTrainingSettingsAsTheyEncode() throws {
        let fixture = try ExportFixture.nb201()
        let path = try fixture.save()
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + "/metrics.json"))) as! [String: Any]
        for key in ["test_accuracy", "test_loss", "params", "flops", "latency_ms", "training", "dataset", "seed", "epochs",
                    "train_seconds", "network", "normalization", "onnx_opset"] {
            XCTAssertNotNil(object[key], key)
        }
        let cost = try ModelCost.measure(fixture.model, input: fixture.inputShape)
        XCTAssertEqual(object["params"] as? Int, cost.parameters)
        XCTAssertEqual(object["flops"] as? Int, cost.flops)
        let training = try XCTUnwrap(object["training"] as? [String: Any])
        let settings = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingSettings.seeded(5))) as! [String: Any]
        XCTAssertEqual(Set(training.keys), Set(settings.keys))
        XCTAssertEqual(training["learningRate"] as? Double, settings["learningRate"] as? Double)
    }

    func testANonEmptyDirectoryIsRefusedAndKeepsItsFiles() throws {
        let path = temporaryPath("busy")
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "keep me".write(toFile: path + "/notes.txt", atomically: true, encoding: .utf8)
        let fixture = try ExportFixture.chain()
        XCTAssertThrowsError(try SavedModel.checkDestination(path)) { error in
            XCTAssertEqual("\(error)", "--save \(path): the directory is not empty (it holds notes.txt); accepted: a new or empty directory (nothing is overwritten)")
        }
        XCTAssertThrowsError(try SavedModel.write(fixture.model, genotype: fixture.genotype, metrics: try fixture.metrics(), to: path))
        XCTAssertEqual(try manager.contentsOfDirectory(atPath: path), ["notes.txt"])
        XCTAssertEqual(try String(contentsOfFile: path + "/notes.txt", encoding: .utf8), "keep me")
        // A file where the directory would go.
        XCTAssertThrowsError(try SavedModel.checkDestination(path + "/notes.txt")) { error in
            XCTAssertTrue("\(error)".contains("a file is there"), "\(error)")
        }
        XCTAssertThrowsError(try SavedModel.checkDestination(path + "/notes.txt/model")) { error in
            XCTAssertTrue("\(error)".contains("\(path)/notes.txt is a file"), "\(error)")
        }
    }

    func testNewNestedAndEmptyDirectoriesAreAccepted() throws {
        let fixture = try ExportFixture.chain()
        let nested = temporaryPath("a") + "/b/c"
        try SavedModel.write(fixture.model, genotype: fixture.genotype, metrics: try fixture.metrics(), to: nested)
        XCTAssertEqual(Set(try manager.contentsOfDirectory(atPath: nested)), Set(SavedModel.fileNames))
        let empty = temporaryPath("empty")
        try manager.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try SavedModel.write(fixture.model, genotype: fixture.genotype, metrics: try fixture.metrics(), to: empty)
        XCTAssertEqual(Set(try manager.contentsOfDirectory(atPath: empty)), Set(SavedModel.fileNames))
    }

    /// Root writes anywhere permissions allow nothing; a read-only file system stops everyone.
    func testAnUnwritableDestinationIsRefused() throws {
        let path: String
        if geteuid() == 0 {
            path = "/proc/nas-tui-saved-model"
        } else {
            let parent = temporaryPath("locked")
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try manager.setAttributes([.posixPermissions: 0o500], ofItemAtPath: parent)
            path = parent + "/model"
        }
        XCTAssertThrowsError(try SavedModel.checkDestination(path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--save \(path): cannot write in "), "\(error)")
        }
        XCTAssertFalse(manager.fileExists(atPath: path))
    }

    func testLoadingNamesTheMissingOrBadFile() throws {
        let fixture = try ExportFixture.darts()
        let path = try fixture.save()
        func assertError(_ directory: String, _ expected: String, line: UInt = #line) {
            XCTAssertThrowsError(try SavedModel.load(directory), line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)", line: line)
            }
        }
        assertError(path + "-nowhere", "--model \(path)-nowhere: no such directory")
        assertError(path + "/metrics.json", "a file, not a directory")
        let empty = temporaryPath("empty")
        try manager.createDirectory(atPath: empty, withIntermediateDirectories: true)
        assertError(empty, "\(empty) is not a saved model: genotype.json is missing")

        func copy(replacing file: String, with contents: Data?) throws -> String {
            let target = temporaryPath("copy")
            try manager.copyItem(atPath: path, toPath: target)
            try manager.removeItem(atPath: target + "/" + file)
            if let contents { try contents.write(to: URL(fileURLWithPath: target + "/" + file)) }
            return target
        }
        let noWeights = try copy(replacing: "model.safetensors", with: nil)
        assertError(noWeights, "\(noWeights) is not a saved model: model.safetensors is missing")
        let badJSON = try copy(replacing: "metrics.json", with: Data("{\"network\": 3}".utf8))
        assertError(badJSON, "\(badJSON)/metrics.json: not the metrics of a saved model (network has the wrong type)")
        let badGenotype = try copy(replacing: "genotype.json", with: Data("{\"space\":\"nb201\",\"arch\":\"|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|\"}".utf8))
        assertError(badGenotype, "genotype.json holds a nb201 genotype but metrics.json describes a darts network")
        let otherWeights = try Data(contentsOf: URL(fileURLWithPath: try ExportFixture.nb201().save() + "/model.safetensors"))
        let swapped = try copy(replacing: "model.safetensors", with: otherWeights)
        assertError(swapped, "\(swapped)/model.safetensors: the weights do not match the network: missing")
        let truncated = try copy(replacing: "model.safetensors", with: Data([1, 2, 3]))
        assertError(truncated, "\(truncated)/model.safetensors: 3 bytes")
        // Reading never changes the directory.
        XCTAssertEqual(try manager.contentsOfDirectory(atPath: swapped).count, SavedModel.fileNames.count)
    }
}

extension ModelMetrics {
    /// The same metrics with another latency (it is measured anew each time).
    func with(latency: Double) -> ModelMetrics {
        var copy = self
        copy.latencyMs = latency
        return copy
    }
}

extension TrainingSettings {
    static func seeded(_ seed: UInt64) -> TrainingSettings {
        var settings = TrainingSettings()
        settings.seed = seed
        return settings
    }
}
