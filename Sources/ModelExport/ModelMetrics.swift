import Foundation
import NAS

/// metrics.json of a saved model: how well the network did and how it was made. Accuracies are
/// fractions in [0, 1], as everywhere in nas-tui; `training` is `TrainingSettings` as it encodes.
public struct ModelMetrics: Codable, Equatable, Sendable {
    /// "nas-tui saved model", so a reader can tell the file apart from other JSON.
    public var format = ModelMetrics.formatName
    public var formatVersion = 1
    public var producer = "\(ONNXExport.producerName) \(ONNXExport.producerVersion)"
    /// The network the weights belong to (space, size, input shape, classes).
    public var network: SavedNetwork
    /// The training data's per-channel normalisation, applied inside model.onnx and model.py.
    public var normalization: SavedNormalization?
    /// `fashion-mnist`, `synthetic` or the path trained on.
    public var dataset: String
    public var trainImages: Int
    public var testImages: Int
    public var testAccuracy: Double
    public var testLoss: Double
    public var params: Int
    public var flops: Int
    /// One image, one thread, the fastest of several passes (`LatencyMeasurement`).
    public var latencyMs: Double
    public var training: TrainingSettings
    public var seed: UInt64
    public var epochs: Int
    public var trainSeconds: Double
    public var onnxOpset = ONNXExport.opset

    public static let formatName = "nas-tui saved model"

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", producer, network, normalization, dataset
        case trainImages = "train_images", testImages = "test_images", testAccuracy = "test_accuracy", testLoss = "test_loss"
        case params, flops, latencyMs = "latency_ms", training, seed, epochs, trainSeconds = "train_seconds", onnxOpset = "onnx_opset"
    }

    public init(network: SavedNetwork, normalization: ChannelNormalization?, dataset: String, trainImages: Int, testImages: Int,
                testAccuracy: Double, testLoss: Double, cost: ModelCost, latencyMs: Double, training: TrainingSettings,
                trainSeconds: Double) {
        self.network = network
        self.normalization = normalization.map(SavedNormalization.init)
        self.dataset = dataset
        self.trainImages = trainImages
        self.testImages = testImages
        self.testAccuracy = testAccuracy
        self.testLoss = testLoss
        params = cost.parameters
        flops = cost.flops
        self.latencyMs = latencyMs
        self.training = training
        seed = training.seed
        epochs = training.epochs
        self.trainSeconds = trainSeconds
    }

    /// The file's text: pretty-printed JSON with sorted keys.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

/// Per-channel mean and std as metrics.json stores them.
public struct SavedNormalization: Codable, Equatable, Sendable {
    public var mean: [Float]
    public var std: [Float]

    public init(_ normalization: ChannelNormalization) {
        mean = normalization.mean
        std = normalization.std
    }

    /// The normalisation, checked (one positive std per mean).
    public func channelNormalization() throws -> ChannelNormalization { try ChannelNormalization(mean: mean, std: std) }
}
