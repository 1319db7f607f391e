import Foundation
import Tensor
import XCTest
@testable import NAS

final class DataTests: XCTestCase {
    /// A data set whose image i is filled with the value i (so images can be identified).
    func numbered(_ n: Int, channels: Int = 1, height: Int = 3, width: Int = 2, classes: Int = 4) throws -> ImageDataset {
        let size = channels * height * width
        var pixels: [Float] = []
        for i in 0..<n { pixels += [Float](repeating: Float(i), count: size) }
        return try ImageDataset(name: "numbered", images: pixels, labels: (0..<n).map { $0 % classes },
                                channels: channels, height: height, width: width, classCount: classes)
    }

    func identities(_ d: ImageDataset) -> [Int] { (0..<d.count).map { Int(d.images[$0 * d.imageSize]) } }

    // MARK: ImageDataset

    func testImageDatasetRejectsMismatchedSizes() {
        assertDataError(["'x'", "5 pixel values", "2 labels", "expected 12"]) {
            try ImageDataset(name: "x", images: [Float](repeating: 0, count: 5), labels: [0, 1],
                             channels: 1, height: 2, width: 3, classCount: 2)
        }
        assertDataError(["label 7", "index 1", "0..<2"]) {
            try ImageDataset(name: "x", images: [Float](repeating: 0, count: 12), labels: [0, 7],
                             channels: 1, height: 2, width: 3, classCount: 2)
        }
    }

    // MARK: Synthetic

    func testSyntheticIsDeterministicAndBalanced() throws {
        let maker = SyntheticDataset(seed: 7)
        let a = try maker.make(count: 40, sampleSeed: 1)
        let b = try maker.make(count: 40, sampleSeed: 1)
        let c = try maker.make(count: 40, sampleSeed: 2)
        XCTAssertEqual(a.images, b.images)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertNotEqual(a.images, c.images)
        XCTAssertEqual(a.imageShape, [1, 28, 28])
        XCTAssertEqual(a.classCount, 10)
        XCTAssertEqual(a.classCounts, Array(repeating: 4, count: 10))
        XCTAssertTrue(a.images.allSatisfy { $0 >= 0 && $0 <= 1 })
        let other = try SyntheticDataset(seed: 8).make(count: 40, sampleSeed: 1)
        XCTAssertNotEqual(a.images, other.images)
        let colour = try SyntheticDataset(classCount: 3, channels: 3, height: 8, width: 10).make(count: 6, sampleSeed: 0)
        XCTAssertEqual(colour.imageShape, [3, 8, 10])
        XCTAssertEqual(colour.images.count, 6 * 3 * 8 * 10)
        assertDataError(["synthetic", "0x2x2"]) {
            try SyntheticDataset(channels: 0, height: 2, width: 2).make(count: 1, sampleSeed: 0)
        }
    }

    func testSyntheticIsLearnable() throws {
        // A nearest-class-mean classifier fitted on training images must beat chance by far.
        let maker = SyntheticDataset(height: 16, width: 16, seed: 3)
        let train = try maker.make(count: 200, sampleSeed: 1)
        let test = try maker.make(count: 100, sampleSeed: 2)
        let size = train.imageSize
        var means = [Float](repeating: 0, count: 10 * size)
        for i in 0..<train.count {
            let label = train.labels[i]
            for k in 0..<size { means[label * size + k] += train.images[i * size + k] / 20 }
        }
        var correct = 0
        for i in 0..<test.count {
            var best = 0, bestDistance = Float.infinity
            for c in 0..<10 {
                var d: Float = 0
                for k in 0..<size { let t = test.images[i * size + k] - means[c * size + k]; d += t * t }
                if d < bestDistance { bestDistance = d; best = c }
            }
            if best == test.labels[i] { correct += 1 }
        }
        XCTAssertGreaterThan(correct, 60, "synthetic classes should be separable (got \(correct)/100)")
    }

    // MARK: Subsets and splits

    func testSplitSizesAndDisjointness() throws {
        let d = try numbered(101)
        let half = try d.split(validationFraction: 0.5, seed: 9)
        XCTAssertEqual(half.train.count + half.validation.count, 101)
        XCTAssertEqual(half.validation.count, 51)
        let trainIDs = Set(identities(half.train)), validationIDs = Set(identities(half.validation))
        XCTAssertTrue(trainIDs.isDisjoint(with: validationIDs))
        XCTAssertEqual(trainIDs.union(validationIDs), Set(0..<101))
        // Labels travel with their images.
        XCTAssertEqual(half.train.labels, identities(half.train).map { $0 % 4 })
        let again = try d.split(validationFraction: 0.5, seed: 9)
        XCTAssertEqual(identities(again.train), identities(half.train))
        let other = try d.split(validationFraction: 0.5, seed: 10)
        XCTAssertNotEqual(identities(other.train), identities(half.train))
        let exact = try d.split(validationCount: 10, seed: 1)
        XCTAssertEqual(exact.validation.count, 10)
        assertDataError(["numbered", "1.5", "0...1"]) { try d.split(validationFraction: 1.5, seed: 0) }
    }

    func testSubsets() throws {
        let d = try numbered(20)
        XCTAssertEqual(identities(d.prefix(5)), [0, 1, 2, 3, 4])
        XCTAssertEqual(d.prefix(50).count, 20)
        let random = d.randomSubset(6, seed: 4)
        XCTAssertEqual(random.count, 6)
        XCTAssertEqual(Set(identities(random)).count, 6)
        XCTAssertEqual(identities(random), identities(d.randomSubset(6, seed: 4)))
        XCTAssertEqual(identities(try d.subset(indices: [3, 3, 19])), [3, 3, 19])
        assertDataError(["numbered", "index 20", "0..<20"]) { try d.subset(indices: [20]) }
        let joined = try d.prefix(2).concatenated(with: d.prefix(3))
        XCTAssertEqual(identities(joined), [0, 1, 0, 1, 2])
    }

    // MARK: Normalisation

    func testNormalisationGivesZeroMeanUnitStdOnce() throws {
        let d = try SyntheticDataset(channels: 3, height: 8, width: 8).make(count: 30, sampleSeed: 5)
        let n = try d.normalized()
        let stats = n.channelStatistics()
        for c in 0..<3 {
            XCTAssertEqual(stats.mean[c], 0, accuracy: 1e-4)
            XCTAssertEqual(stats.std[c], 1, accuracy: 1e-3)
        }
        XCTAssertNotNil(n.normalization)
        assertDataError(["already normalised"]) { try n.normalized() }
        assertDataError(["1 channels", "3"]) {
            try d.normalized(using: ChannelNormalization(mean: [0.5], std: [0.2]))
        }
        assertDataError(["std[0]"]) { try ChannelNormalization(mean: [0], std: [0]) }
        // Subsets keep the flag, so normalisation is never applied twice.
        XCTAssertNotNil(n.prefix(3).normalization)
    }

    // MARK: Loader

    func testLoaderBatchShapesAndPartialBatch() throws {
        let d = try numbered(10, channels: 2, height: 3, width: 4)
        let keep = DataLoader(dataset: d, batchSize: 4, shuffle: false)
        let batches = Array(keep)
        XCTAssertEqual(keep.batchCount, 3)
        XCTAssertEqual(batches.map { $0.images.shape }, [[4, 2, 3, 4], [4, 2, 3, 4], [2, 2, 3, 4]])
        XCTAssertEqual(batches[2].labels, [8 % 4, 9 % 4])
        XCTAssertEqual(batches[1].images.scalars[24], 5, "image 5 starts the second image of batch 1")
        let drop = DataLoader(dataset: d, batchSize: 4, shuffle: false, dropLast: true)
        XCTAssertEqual(Array(drop).count, 2)
        XCTAssertEqual(drop.batchCount, 2)
        XCTAssertEqual(drop.sampleCount, 8)
        assertDataError(["batch size 0", "1 or more"]) { try DataLoader.check(batchSize: 0) }
    }

    func testLoaderShufflingIsSeeded() throws {
        let d = try numbered(23)
        func order(_ loader: DataLoader, epoch: Int) -> [Int] {
            loader.epoch(epoch).flatMap { batch in stride(from: 0, to: batch.images.count, by: d.imageSize).map { Int(batch.images.data[$0]) } }
        }
        let a = DataLoader(dataset: d, batchSize: 5, seed: 42)
        let b = DataLoader(dataset: d, batchSize: 5, seed: 42)
        let c = DataLoader(dataset: d, batchSize: 5, seed: 43)
        XCTAssertEqual(order(a, epoch: 0), order(b, epoch: 0))
        XCTAssertEqual(order(a, epoch: 1), order(b, epoch: 1))
        XCTAssertNotEqual(order(a, epoch: 0), order(a, epoch: 1))
        XCTAssertNotEqual(order(a, epoch: 0), order(c, epoch: 0))
        XCTAssertEqual(order(a, epoch: 0).sorted(), Array(0..<23))
        XCTAssertNotEqual(order(a, epoch: 0), Array(0..<23))
        // Labels stay with their images.
        for batch in a.epoch(3) {
            for j in 0..<batch.labels.count {
                XCTAssertEqual(batch.labels[j], Int(batch.images.data[j * d.imageSize]) % 4)
            }
        }
    }

    // MARK: Augmentation

    func testAugmentationKeepsShapeAndIsSeeded() throws {
        let d = try SyntheticDataset(classCount: 2, channels: 3, height: 8, width: 8).make(count: 12, sampleSeed: 1)
        let loader = DataLoader(dataset: d, batchSize: 5, augmentation: .cifar, seed: 3)
        let first = Array(loader.epoch(0)), second = Array(loader.epoch(0))
        XCTAssertEqual(first.map { $0.images.shape }, [[5, 3, 8, 8], [5, 3, 8, 8], [2, 3, 8, 8]])
        XCTAssertEqual(first.map { $0.images.scalars }, second.map { $0.images.scalars })
        let plain = Array(DataLoader(dataset: d, batchSize: 5, seed: 3).epoch(0))
        XCTAssertEqual(first.map { $0.labels }, plain.map { $0.labels }, "augmentation does not change the order")
        XCTAssertNotEqual(first.map { $0.images.scalars }, plain.map { $0.images.scalars })
    }

    func testFlipAndCropMoveThePixels() throws {
        var generator = SeededGenerator(seed: 1)
        let source: [Float] = [1, 2, 3, 4, 5, 6]  // 1x2x3
        var out = [Float](repeating: -1, count: 6)
        // Flip only: draw until a flip happens (probability 1/2 each time).
        let flip = Augmentation(horizontalFlip: true)
        var flipped = false
        for _ in 0..<64 where !flipped {
            source.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    flip.apply(from: s.baseAddress!, to: o.baseAddress!, channels: 1, height: 2, width: 3,
                               fill: [0], generator: &generator)
                }
            }
            flipped = out != source
        }
        XCTAssertEqual(out, [3, 2, 1, 6, 5, 4])
        // Crop with padding: every output is the source shifted, with zeros where it left the image.
        let crop = Augmentation(cropPadding: 1)
        for _ in 0..<20 {
            source.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    crop.apply(from: s.baseAddress!, to: o.baseAddress!, channels: 1, height: 2, width: 3,
                               fill: [0], generator: &generator)
                }
            }
            let shifted = (-1...1).flatMap { dy in (-1...1).map { dx in
                (0..<6).map { k -> Float in
                    let y = k / 3 + dy, x = k % 3 + dx
                    return (0..<2).contains(y) && (0..<3).contains(x) ? source[y * 3 + x] : 0
                }
            } }
            XCTAssertTrue(shifted.contains(out), "\(out) is not a shifted copy")
        }
    }

    // MARK: Catalog

    func testCatalogSynthetic() throws {
        let options = DatasetOptions(seed: 5, syntheticTrainCount: 60, syntheticTestCount: 20)
        let a = try DatasetCatalog.load(name: "synthetic", options: options)
        let b = try DatasetCatalog.load(name: "Synthetic", options: options)
        XCTAssertEqual(a.train.count, 60)
        XCTAssertEqual(a.test.count, 20)
        XCTAssertEqual(a.train.images, b.train.images)
        XCTAssertEqual(a.source, "synthetic")
        XCTAssertEqual(a.train.channelStatistics().mean[0], 0, accuracy: 1e-4)
        XCTAssertNotNil(a.test.normalization)
        XCTAssertNotEqual(a.train.images.prefix(784), a.test.images.prefix(784))
        let cifarLike = try DatasetCatalog.load(name: "synthetic:3x32x32",
                                                options: DatasetOptions(trainLimit: 8, testLimit: 4))
        XCTAssertEqual(cifarLike.train.imageShape, [3, 32, 32])
        XCTAssertEqual(cifarLike.train.count, 8)
        XCTAssertEqual(cifarLike.test.count, 4)
        assertDataError(["synthetic:3x", "synthetic:CxHxW"]) { try DatasetCatalog.load(name: "synthetic:3x") }
        XCTAssertEqual(DatasetCatalog.defaultName,
                       DatasetCatalog.fashionMNISTInstalled ? "fashion-mnist" : "synthetic")
    }
}
