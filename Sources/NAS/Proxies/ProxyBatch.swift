import Tensor

/// One mini-batch of images and labels that snip, grad_norm and naswot score a network on.
public struct ProxyBatch {
    /// Images [N, C, H, W].
    public let images: Tensor
    /// One class index per image.
    public let labels: [Int]

    /// Checks that `images` is [N, C, H, W] with N = labels.count >= 2 and labels >= 0.
    public init(images: Tensor, labels: [Int]) throws {
        guard images.rank == 4, images.shape[0] == labels.count else {
            throw ProxyError("proxy batch: images \(images.shape) with \(labels.count) labels; accepted: [N, C, H, W] and N labels")
        }
        guard labels.count >= 2 else {
            throw ProxyError("proxy batch: \(labels.count) image(s); accepted: 2 or more (batch norm needs a batch)")
        }
        if let bad = labels.first(where: { $0 < 0 }) { throw ProxyError("proxy batch: label \(bad); accepted: 0 or more") }
        self.images = images
        self.labels = labels
    }

    /// [C, H, W] of one image.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }
    /// Images in the batch.
    public var count: Int { labels.count }

    /// `count` images of `dataset` drawn without replacement in a seeded order.
    public static func sample(from dataset: ImageDataset, count: Int, seed: UInt64) throws -> ProxyBatch {
        guard count >= 2, count <= dataset.count else {
            throw ProxyError("proxy batch of \(count) images from \(dataset.name) (\(dataset.count) images); accepted: 2 to \(dataset.count)")
        }
        var generator = SeededGenerator(seed: seed ^ 0x9E0C_5EED_0000_0003)
        var order = Array(0..<dataset.count)
        order.shuffle(using: &generator)
        let chosen = order.prefix(count)
        let size = dataset.imageSize
        let images = Tensor(uninitialized: [count] + dataset.imageShape)
        dataset.images.withUnsafeBufferPointer { source in
            for (row, index) in chosen.enumerated() {
                (images.data + row * size).update(from: source.baseAddress! + index * size, count: size)
            }
        }
        return try ProxyBatch(images: images, labels: chosen.map { dataset.labels[$0] })
    }

    /// The default batch: `count` images of the `synthetic` data set at `shape` ([C, H, W]),
    /// `classes` classes, generated from `seed` and normalised per channel, as
    /// `--dataset synthetic:CxHxW` gives them.
    public static func synthetic(shape: [Int], classes: Int = 10, count: Int = 64, seed: UInt64 = 0) throws -> ProxyBatch {
        guard shape.count == 3 else { throw ProxyError("synthetic proxy batch: shape \(shape); accepted: [C, H, W]") }
        var options = DatasetOptions(seed: seed, trainLimit: count, testLimit: 1, normalize: true,
                                     syntheticTrainCount: count, syntheticTestCount: 1)
        options.synthetic.classCount = classes
        let loaded: LoadedDatasets
        do {
            loaded = try DatasetCatalog.load(name: "synthetic:\(shape[0])x\(shape[1])x\(shape[2])", options: options)
        } catch let error as DataError {
            throw ProxyError(error.description)
        }
        return try sample(from: loaded.train, count: count, seed: seed)
    }

    /// `count` images of independent standard normal pixels with uniformly random labels.
    public static func gaussian(shape: [Int], classes: Int = 10, count: Int = 64, seed: UInt64 = 0) throws -> ProxyBatch {
        var generator = SeededGenerator(seed: seed)
        let images = Tensor(uninitialized: [count] + shape)
        for i in 0..<images.count { images.data[i] = generator.nextNormal() }
        return try ProxyBatch(images: images, labels: (0..<count).map { _ in generator.nextInt(max(classes, 1)) })
    }
}
