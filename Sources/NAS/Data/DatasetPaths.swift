import Foundation

/// Resolves a `--dataset PATH` value: a directory with an IDX pair or CIFAR-10 batches, a single
/// CIFAR-10 batch, or comma-separated files.
enum DatasetPaths {
    static func load(spec: String, options: DatasetOptions) throws -> LoadedDatasets {
        let parts = spec.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if parts.count > 1 { return try loadFiles(parts, source: spec, options: options) }
        let path = parts.first ?? spec
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError("--dataset '\(spec)': no such data set or path; accepted: \(DatasetCatalog.acceptedDescription)")
        }
        if isDirectory.boolValue { return try loadDirectory(path, options: options) }
        if isCIFARName(path) { return try loadFiles([path], source: path, options: options) }
        throw DataError("\(path): a single file is not a data set unless it is a CIFAR-10 batch (.bin); give an IDX images file with its labels as IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS], or their directory")
    }

    // MARK: Directories

    static func loadDirectory(_ directory: String, options: DatasetOptions) throws -> LoadedDatasets {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let cifarSubdirectory = directory + "/cifar-10-batches-bin"
        if !entries.contains(where: { isCIFARName($0) }),
           entries.contains("cifar-10-batches-bin") {
            return try loadDirectory(cifarSubdirectory, options: options)
        }
        if entries.contains(where: { isCIFARName($0) }) {
            let wanted = CIFAR10Reader.trainFiles + [CIFAR10Reader.testFile]
            var found: [String] = []
            var missing: [String] = []
            for file in wanted {
                if let path = DatasetCatalog.existingVariant(of: directory + "/" + file) { found.append(path) }
                else { missing.append(file) }
            }
            guard missing.isEmpty else {
                throw DataError("\(directory): CIFAR-10 directory is missing \(missing.joined(separator: ", ")); expected \(wanted.joined(separator: ", "))")
            }
            let base = displayName(directory)
            let train = try CIFAR10Reader.read(paths: Array(found.dropLast()), name: base + "/train",
                                               limit: options.trainLimit)
            let test = try CIFAR10Reader.read(paths: [found.last!], name: base + "/test", limit: options.testLimit)
            return LoadedDatasets(train: train, test: test, source: directory,
                                  notes: DatasetCatalog.limitNotes(options))
        }
        let idx = try findIDXFiles(in: directory, entries: entries)
        guard let trainImages = idx.trainImages, let trainLabels = idx.trainLabels else {
            let shown = entries.prefix(8).joined(separator: ", ") + (entries.count > 8 ? ", …" : "")
            throw DataError("\(directory): no data set found (holds: \(shown.isEmpty ? "nothing" : shown)); expected an IDX pair (train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]) or CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin, test_batch.bin)")
        }
        let join = { (name: String) in directory + "/" + name }
        var test: (String, String)?
        if let images = idx.testImages, let labels = idx.testLabels { test = (join(images), join(labels)) }
        return try loadIDX(train: (join(trainImages), join(trainLabels)), test: test,
                           base: displayName(directory), source: directory, options: options)
    }

    /// IDX files in a directory by name: train/t10k/test, images/idx3, labels/idx1.
    static func findIDXFiles(in directory: String, entries: [String]) throws
        -> (trainImages: String?, trainLabels: String?, testImages: String?, testLabels: String?) {
        func pick(train: Bool, images: Bool) throws -> String? {
            let candidates = entries.filter { entry in
                let n = entry.lowercased()
                guard n.contains("idx") else { return false }
                let isTest = n.contains("t10k") || n.contains("test")
                let isTrain = n.contains("train")
                let roleOK = train ? (isTrain && !isTest) : isTest
                let kindOK = images ? (n.contains("images") || n.contains("idx3"))
                                    : (n.contains("labels") || n.contains("idx1"))
                return roleOK && kindOK
            }
            if candidates.count <= 1 { return candidates.first }
            // The same file plain and gzip: take the plain one (no decompression).
            let stems = Set(candidates.map { $0.hasSuffix(".gz") ? String($0.dropLast(3)) : $0 })
            if stems.count == 1 { return candidates.first { !$0.hasSuffix(".gz") } ?? candidates[0] }
            throw DataError("\(directory): several \(train ? "training" : "test") \(images ? "image" : "label") files (\(candidates.joined(separator: ", "))); give the files explicitly as IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS]")
        }
        return (try pick(train: true, images: true), try pick(train: true, images: false),
                try pick(train: false, images: true), try pick(train: false, images: false))
    }

    // MARK: Explicit files

    static func loadFiles(_ paths: [String], source: String, options: DatasetOptions) throws -> LoadedDatasets {
        let cifar = paths.filter(isCIFARName)
        if !cifar.isEmpty {
            guard cifar.count == paths.count else {
                throw DataError("--dataset '\(source)': mixes CIFAR-10 batches (.bin) with other files; expected only .bin batches or only IDX files")
            }
            let testPaths = paths.filter { fileName($0).lowercased().hasPrefix("test") }
            let trainPaths = paths.filter { !fileName($0).lowercased().hasPrefix("test") }
            guard !trainPaths.isEmpty else {
                throw DataError("--dataset '\(source)': only test batches given; expected at least one training batch (e.g. data_batch_1.bin)")
            }
            let base = displayName(trainPaths[0])
            var train = try CIFAR10Reader.read(paths: trainPaths, name: base + "/train",
                                               limit: testPaths.isEmpty ? nil : options.trainLimit)
            if testPaths.isEmpty {
                return try holdOut(train, source: source, options: options)
            }
            train.name = base + "/train"
            let test = try CIFAR10Reader.read(paths: testPaths, name: base + "/test", limit: options.testLimit)
            return LoadedDatasets(train: train, test: test, source: source, notes: DatasetCatalog.limitNotes(options))
        }
        guard paths.count == 2 || paths.count == 4 else {
            throw DataError("--dataset '\(source)': \(paths.count) files; expected IMAGES,LABELS or IMAGES,LABELS,TEST_IMAGES,TEST_LABELS (IDX), or CIFAR-10 .bin batches")
        }
        let test = paths.count == 4 ? (paths[2], paths[3]) : nil
        return try loadIDX(train: (paths[0], paths[1]), test: test, base: displayName(paths[0]),
                           source: source, options: options)
    }

    static func loadIDX(train: (String, String), test: (String, String)?, base: String, source: String,
                        options: DatasetOptions) throws -> LoadedDatasets {
        var trainSet = try IDXReader.readPair(imagesPath: train.0, labelsPath: train.1, name: base + "/train",
                                              limit: test == nil ? nil : options.trainLimit)
        guard let test else { return try holdOut(trainSet, source: source, options: options) }
        var testSet = try IDXReader.readPair(imagesPath: test.0, labelsPath: test.1, name: base + "/test",
                                             limit: options.testLimit)
        // Both sets share one class count: the larger of the two.
        let classes = max(trainSet.classCount, testSet.classCount)
        if trainSet.classCount != classes { trainSet = try trainSet.withClassCount(classes) }
        if testSet.classCount != classes { testSet = try testSet.withClassCount(classes) }
        return LoadedDatasets(train: trainSet, test: testSet, source: source, notes: DatasetCatalog.limitNotes(options))
    }

    /// No test set given: hold out `holdoutFraction` of the training images (seeded).
    static func holdOut(_ all: ImageDataset, source: String, options: DatasetOptions) throws -> LoadedDatasets {
        let base = all.name.hasSuffix("/train") ? String(all.name.dropLast(6)) : all.name
        let parts = try all.split(validationFraction: options.holdoutFraction, seed: options.seed)
        var train = parts.train, test = parts.validation
        guard !train.isEmpty, !test.isEmpty else {
            throw DataError("--dataset '\(source)': \(all.count) images are too few to hold out a test set (holdout fraction \(options.holdoutFraction)); give a test set too")
        }
        train.name = base + "/train"
        test.name = base + "/test"
        var notes = ["no test set given: held out \(test.count) of the \(all.count) training images as the test set"]
        if let n = options.trainLimit { train = train.prefix(n); notes.append("using the first \(n) training images") }
        if let n = options.testLimit { test = test.prefix(n); notes.append("using the first \(n) test images") }
        return LoadedDatasets(train: train, test: test, source: source, notes: notes)
    }

    static func isCIFARName(_ path: String) -> Bool {
        let name = fileName(path).lowercased()
        return name.hasSuffix(".bin") || name.hasSuffix(".bin.gz")
    }

    static func fileName(_ path: String) -> String { (path as NSString).lastPathComponent }

    /// A short name for a data set from its path: the directory or file name without extensions.
    static func displayName(_ path: String) -> String {
        var name = fileName(path.hasSuffix("/") ? String(path.dropLast()) : path)
        for suffix in [".gz", ".bin"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return name.isEmpty ? path : name
    }
}

extension ImageDataset {
    /// The same data with a larger class count (labels unchanged).
    func withClassCount(_ classes: Int) throws -> ImageDataset {
        try ImageDataset(name: name, images: images, labels: labels, channels: channels, height: height,
                         width: width, classCount: classes,
                         classNames: classNames?.count == classes ? classNames : nil)
    }
}
