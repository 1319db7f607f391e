import Foundation
import ModelExport
import NAS
import Tensor

// `train --save DIR`: the destination is checked before training, the files written after the test.

extension TrainCommand {
    /// Refuses a --save directory that cannot take a saved model, before any training time is spent.
    func checkSaveDestination() throws {
        guard let save else { return }
        do { try SavedModel.checkDestination(save) } catch let error as SavedModelError { throw CLIError.usage(error.description) }
    }

    /// Writes the trained model, its genotype and metrics into the --save directory.
    func saveModel(_ model: Module, space: SearchSpace, genotype: Genotype, data: LoadedDatasets, settings: TrainingSettings,
                   test: (loss: Double, accuracy: Double), cost: ModelCost, trainSeconds: Double) throws {
        guard let save else { return }
        let latency = try LatencyMeasurement.forwardMilliseconds(model, input: data.train.imageShape)
        do {
            let network = try SavedNetwork(space: space, genotype: genotype, inputShape: data.train.imageShape, classes: data.train.classCount)
            // The --dataset value that loads the same images again (synthetic with its shape).
            let shape = data.train.imageShape.map(String.init).joined(separator: "x")
            let dataset = data.source == "synthetic" ? "synthetic:\(shape)" : data.source
            let metrics = ModelMetrics(network: network, normalization: data.train.normalization, dataset: dataset,
                                       trainImages: data.train.count, testImages: data.test.count, testAccuracy: test.accuracy,
                                       testLoss: test.loss, cost: cost, latencyMs: latency, training: settings, trainSeconds: trainSeconds)
            try SavedModel.write(model, genotype: genotype, metrics: metrics, to: save)
        } catch let error as SavedModelError {
            throw CLIError.usage(error.description)
        }
        FileHandle.standardError.write(Data("saved the model to \(save): \(SavedModel.fileNames.joined(separator: ", "))\n".utf8))
    }
}
