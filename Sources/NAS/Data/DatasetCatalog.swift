import Foundation

/// Options for `DatasetCatalog.load`.
public struct DatasetOptions: Sendable {
    /// Seeds the synthetic images and any held-out test split.
    public var seed: UInt64
    /// Keep only the first N training / test images (nil: all).
    public var trainLimit: Int?
    public var testLimit: Int?
    /// Normalise both sets with the training set's per-channel mean and std.
    public var normalize: Bool
    /// Shape, classes and noise of `synthetic` (its `seed` is replaced by `seed`).
    public var synthetic: SyntheticDataset
    /// Image counts of `synthetic` (before the limits).
    public var syntheticTrainCount: Int
    public var syntheticTestCount: Int
    /// When a path gives no test set, this fraction of the training images is held out as one.
    public var holdoutFraction: Double

    public init(seed: UInt64 = 0, trainLimit: Int? = nil, testLimit: Int? = nil, normalize: Bool = true,
                synthetic: SyntheticDataset = SyntheticDataset(), syntheticTrainCount: Int = 6000,
                syntheticTestCount: Int = 1000, holdoutFraction: Double = 1.0 / 7.0) {
        self.seed = seed
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.normalize = normalize
        self.synthetic = synthetic
        self.syntheticTrainCount = syntheticTrainCount
        self.syntheticTestCount = syntheticTestCount
        self.holdoutFraction = holdoutFraction
    }
}

/// A training and a test set, with where they came from.
public struct LoadedDatasets: Sendable {
    public var train: ImageDataset
    public var test: ImageDataset
    /// `fashion-mnist`, `synthetic`, or the path that was loaded.
    public var source: String
    /// Things the user should know (a held-out test set, limits applied), one per line.
    public var notes: [String]
}

/// The one place that turns a `--dataset` value into data sets.
public enum DatasetCatalog {
    /// Where Debian's `dataset-fashion-mnist` package installs the files.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"
    /// The four IDX files of Fashion-MNIST (each may also be uncompressed, without `.gz`).
    public static let fashionMNISTFiles = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    public static let fashionMNISTClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// The names `load` accepts besides paths.
    public static let builtInNames = ["fashion-mnist", "synthetic"]

    /// What `--dataset` accepts, for help text and error messages.
    public static let acceptedDescription = """
        fashion-mnist; synthetic (or synthetic:CxHxW, e.g. synthetic:3x32x32); a directory holding \
        an IDX pair (train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz], optionally \
        t10k-images/t10k-labels) or CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin, test_batch.bin); \
        or comma-separated files: IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS] (IDX) or CIFAR-10 .bin batches
        """

    /// Whether Fashion-MNIST is installed (all four files, gzip or plain).
    public static var fashionMNISTInstalled: Bool {
        fashionMNISTFiles.allSatisfy { existingVariant(of: fashionMNISTDirectory + "/" + $0) != nil }
    }

    /// The default `--dataset`: fashion-mnist when installed, else synthetic.
    public static var defaultName: String { fashionMNISTInstalled ? "fashion-mnist" : "synthetic" }

    /// Loads `name` (`fashion-mnist`, `synthetic[:CxHxW]` or a PATH, see `acceptedDescription`)
    /// as a training and a test set. Throws `DataError` naming the file or value at fault.
    public static func load(name: String, options: DatasetOptions = DatasetOptions()) throws -> LoadedDatasets {
        let key = name.trimmingCharacters(in: .whitespaces)
        let lower = key.lowercased()
        var loaded: LoadedDatasets
        if ["fashion-mnist", "fashion_mnist", "fashionmnist", "fmnist"].contains(lower) {
            loaded = try loadFashionMNIST(directory: fashionMNISTDirectory, options: options)
        } else if lower == "synthetic" || lower.hasPrefix("synthetic:") {
            loaded = try loadSynthetic(spec: key, options: options)
        } else if key.isEmpty {
            throw DataError("--dataset: empty value; accepted: \(acceptedDescription)")
        } else {
            loaded = try DatasetPaths.load(spec: key, options: options)
        }
        if options.normalize {
            let stats = loaded.train.channelStatistics()
            loaded.train = try loaded.train.normalized(using: stats)
            loaded.test = try loaded.test.normalized(using: stats)
        }
        return loaded
    }

    /// Loads Fashion-MNIST from `directory` (gzip or plain IDX files). A missing file gets a
    /// message saying how to install the package or to use `--dataset synthetic`.
    public static func loadFashionMNIST(directory: String, options: DatasetOptions = DatasetOptions()) throws -> LoadedDatasets {
        var paths: [String] = []
        for file in fashionMNISTFiles {
            let wanted = directory + "/" + file
            guard let found = existingVariant(of: wanted) else {
                throw DataError("Fashion-MNIST is not installed: \(wanted) not found; install it with `sudo apt-get install dataset-fashion-mnist`, or use `--dataset synthetic`")
            }
            paths.append(found)
        }
        let train = try IDXReader.readPair(imagesPath: paths[0], labelsPath: paths[1], name: "fashion-mnist/train",
                                           classCount: 10, classNames: fashionMNISTClassNames,
                                           limit: options.trainLimit)
        let test = try IDXReader.readPair(imagesPath: paths[2], labelsPath: paths[3], name: "fashion-mnist/test",
                                          classCount: 10, classNames: fashionMNISTClassNames,
                                          limit: options.testLimit)
        return LoadedDatasets(train: train, test: test, source: "fashion-mnist", notes: limitNotes(options))
    }

    /// `synthetic` or `synthetic:CxHxW` (also `synthetic:HxW` for one channel).
    static func loadSynthetic(spec: String, options: DatasetOptions) throws -> LoadedDatasets {
        var generator = options.synthetic
        generator.seed = options.seed
        if let colon = spec.firstIndex(of: ":") {
            let shape = spec[spec.index(after: colon)...].split(separator: "x").map { Int($0) }
            guard (2...3).contains(shape.count), shape.allSatisfy({ $0 != nil }) else {
                throw DataError("--dataset '\(spec)': bad image shape; accepted: synthetic:CxHxW or synthetic:HxW, e.g. synthetic:3x32x32")
            }
            let dims = shape.map { $0! }
            generator.channels = dims.count == 3 ? dims[0] : 1
            generator.height = dims[dims.count - 2]
            generator.width = dims[dims.count - 1]
        }
        let trainCount = min(options.syntheticTrainCount, options.trainLimit ?? Int.max)
        let testCount = min(options.syntheticTestCount, options.testLimit ?? Int.max)
        let train = try generator.make(count: trainCount, sampleSeed: options.seed &+ 1, name: "synthetic/train")
        let test = try generator.make(count: testCount, sampleSeed: options.seed &+ 2, name: "synthetic/test")
        return LoadedDatasets(train: train, test: test, source: "synthetic", notes: [])
    }

    static func limitNotes(_ options: DatasetOptions) -> [String] {
        var notes: [String] = []
        if let n = options.trainLimit { notes.append("using the first \(n) training images") }
        if let n = options.testLimit { notes.append("using the first \(n) test images") }
        return notes
    }

    /// `path` if it exists, else `path` without `.gz` or with `.gz` added, else nil.
    static func existingVariant(of path: String) -> String? {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) { return path }
        let other = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path + ".gz"
        return manager.fileExists(atPath: other) ? other : nil
    }
}
