import Foundation
import Tensor

/// Batches an `ImageDataset` as `(images: Tensor [B, C, H, W], labels: [Int])`.
/// Shuffling and augmentation are seeded per epoch: the same seed and epoch give the same
/// batches. The last partial batch is kept unless `dropLast` is set.
public struct DataLoader: Sequence {
    public let dataset: ImageDataset
    public let batchSize: Int
    public var shuffle: Bool
    public var dropLast: Bool
    public var augmentation: Augmentation
    public var seed: UInt64

    /// `batchSize` must be 1 or more (validate user input with `DataLoader.check(batchSize:)`).
    public init(dataset: ImageDataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
                augmentation: Augmentation = .none, seed: UInt64 = 0) {
        precondition(batchSize >= 1, "DataLoader for '\(dataset.name)': batch size \(batchSize); expected 1 or more")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.augmentation = augmentation
        self.seed = seed
    }

    /// Throws `DataError` naming the value when `batchSize` is not a usable batch size.
    public static func check(batchSize: Int) throws {
        guard batchSize >= 1 else {
            throw DataError("batch size \(batchSize); expected 1 or more")
        }
    }

    /// Batches per epoch.
    public var batchCount: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// Images per epoch (fewer than `dataset.count` when the last partial batch is dropped).
    public var sampleCount: Int { dropLast ? batchCount * batchSize : dataset.count }

    /// The batches of epoch `index` (its own shuffle and augmentation draw).
    public func epoch(_ index: Int) -> DataLoaderEpoch {
        var generator = SeededGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
        var order = Array(0..<dataset.count)
        if shuffle, order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, generator.nextInt(i + 1))
            }
        }
        return DataLoaderEpoch(loader: self, order: order, generator: generator.fork())
    }

    /// The batches of epoch 0.
    public func makeIterator() -> DataLoaderEpoch { epoch(0) }
}

/// One pass over a `DataLoader`'s data set.
public struct DataLoaderEpoch: Sequence, IteratorProtocol {
    public typealias Element = (images: Tensor, labels: [Int])

    let loader: DataLoader
    /// The image indices in the order this epoch visits them.
    public let order: [Int]
    var position = 0
    var generator: SeededGenerator
    let fill: [Float]

    init(loader: DataLoader, order: [Int], generator: SeededGenerator) {
        self.loader = loader
        self.order = order
        self.generator = generator
        let d = loader.dataset
        fill = (0..<d.channels).map { c in d.normalization?.apply(0, channel: c) ?? 0 }
    }

    public mutating func next() -> Element? {
        let remaining = order.count - position
        let size = Swift.min(loader.batchSize, remaining)
        if size <= 0 || (loader.dropLast && size < loader.batchSize) { return nil }
        let d = loader.dataset
        let imageSize = d.imageSize
        let batch = Tensor(uninitialized: [size, d.channels, d.height, d.width])
        var labels = [Int](repeating: 0, count: size)
        let target = batch.data
        let augmentation = loader.augmentation
        let start = position
        d.images.withUnsafeBufferPointer { pixels in
            d.labels.withUnsafeBufferPointer { allLabels in
                order.withUnsafeBufferPointer { order in
                    guard let base = pixels.baseAddress else { return }
                    for j in 0..<size {
                        let i = order[start + j]
                        labels[j] = allLabels[i]
                        if augmentation.isIdentity {
                            (target + j * imageSize).update(from: base + i * imageSize, count: imageSize)
                        } else {
                            augmentation.apply(from: base + i * imageSize, to: target + j * imageSize,
                                               channels: d.channels, height: d.height, width: d.width,
                                               fill: fill, generator: &generator)
                        }
                    }
                }
            }
        }
        position += size
        return (images: batch, labels: labels)
    }
}
