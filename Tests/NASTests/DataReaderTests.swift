import CZlib
import Foundation
import XCTest
@testable import NAS

/// Writes small IDX and CIFAR files (plain and gzip) into a temporary directory.
struct DataFixtures {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "nas-data-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Bytes of an IDX file with the given magic, dimensions and data.
    static func idx(magic: UInt32, dims: [Int], data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        func u32(_ v: UInt32) { bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        u32(magic)
        for d in dims { u32(UInt32(d)) }
        return bytes + data
    }

    /// Pixel byte of image i at (y, x): distinct enough to check ordering.
    static func pixel(_ i: Int, _ y: Int, _ x: Int) -> UInt8 { UInt8((i * 37 + y * 5 + x * 3) % 256) }

    static func imageBytes(count: Int, height: Int, width: Int) -> [UInt8] {
        var data: [UInt8] = []
        for i in 0..<count { for y in 0..<height { for x in 0..<width { data.append(pixel(i, y, x)) } } }
        return data
    }

    @discardableResult
    func writeImages(_ name: String, count: Int, height: Int = 4, width: Int = 3, gzip: Bool = false,
                     magic: UInt32 = 0x0000_0803, declaredCount: Int? = nil, trim: Int = 0, extra: Int = 0) throws -> String {
        var bytes = DataFixtures.idx(magic: magic, dims: [declaredCount ?? count, height, width],
                                     data: DataFixtures.imageBytes(count: count, height: height, width: width))
        bytes.removeLast(trim)
        bytes += [UInt8](repeating: 7, count: extra)
        return try write(name, bytes, gzip: gzip)
    }

    @discardableResult
    func writeLabels(_ name: String, labels: [Int], gzip: Bool = false) throws -> String {
        try write(name, DataFixtures.idx(magic: 0x0000_0801, dims: [labels.count], data: labels.map { UInt8($0) }), gzip: gzip)
    }

    /// CIFAR-10 records: label, then 3072 bytes where channel c, pixel k holds (r + c * 50 + k) % 256.
    @discardableResult
    func writeCIFAR(_ name: String, labels: [Int], extra: Int = 0) throws -> String {
        var bytes: [UInt8] = []
        for (r, label) in labels.enumerated() {
            bytes.append(UInt8(label))
            for c in 0..<3 { for k in 0..<1024 { bytes.append(UInt8((r + c * 50 + k) % 256)) } }
        }
        bytes += [UInt8](repeating: 1, count: extra)
        return try write(name, bytes, gzip: false)
    }

    func write(_ name: String, _ bytes: [UInt8], gzip: Bool) throws -> String {
        let full = path(name)
        if gzip {
            guard let file = gzopen(full, "wb") else { throw DataError("gzopen failed for \(full)") }
            let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            gzclose(file)
            XCTAssertEqual(Int(written), bytes.count)
        } else {
            FileManager.default.createFile(atPath: full, contents: Data(bytes))
        }
        return full
    }

    func read(_ full: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: full) ?? Data()) }
}

/// Asserts that `body` throws a `DataError` whose message contains every one of `parts`.
func assertDataError<T>(_ parts: [String], file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a DataError mentioning \(parts)", file: file, line: line)
    } catch let error as DataError {
        // SHOW_DATA_ERRORS=1 prints every message, to read them as a user would.
        if ProcessInfo.processInfo.environment["SHOW_DATA_ERRORS"] != nil { print("DataError: \(error)") }
        for part in parts where !error.description.contains(part) {
            XCTFail("error '\(error.description)' does not mention '\(part)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected a DataError, got \(error)", file: file, line: line)
    }
}

final class ReaderDataTests: XCTestCase {
    var fixtures: DataFixtures!

    override func setUpWithError() throws { fixtures = try DataFixtures() }
    override func tearDown() { fixtures?.remove() }

    func testPlainAndGzipIDXPairsLoadTheSame() throws {
        let labels = [3, 1, 4, 1, 5]
        let plainImages = try fixtures.writeImages("a-images-idx3-ubyte", count: 5)
        let plainLabels = try fixtures.writeLabels("a-labels-idx1-ubyte", labels: labels)
        let gzImages = try fixtures.writeImages("b-images-idx3-ubyte.gz", count: 5, gzip: true)
        let gzLabels = try fixtures.writeLabels("b-labels-idx1-ubyte.gz", labels: labels, gzip: true)
        let plain = try IDXReader.readPair(imagesPath: plainImages, labelsPath: plainLabels, name: "plain")
        let gz = try IDXReader.readPair(imagesPath: gzImages, labelsPath: gzLabels, name: "gz")
        XCTAssertEqual(plain.count, 5)
        XCTAssertEqual(plain.imageShape, [1, 4, 3])
        XCTAssertEqual(plain.labels, labels)
        XCTAssertEqual(plain.classCount, 6)
        XCTAssertEqual(plain.image(at: 2)[7], Float(DataFixtures.pixel(2, 2, 1)) / 255)
        XCTAssertEqual(gz.images, plain.images)
        XCTAssertEqual(gz.labels, plain.labels)
        XCTAssertTrue(try FileBytes.read(path: gzImages).wasCompressed)
        let limited = try IDXReader.readPair(imagesPath: gzImages, labelsPath: gzLabels, name: "gz", limit: 2)
        XCTAssertEqual(limited.count, 2)
        XCTAssertEqual(limited.images, Array(plain.images.prefix(2 * 12)))
    }

    func testMultiMemberGzipIsRead() throws {
        let first = DataFixtures.idx(magic: 0x0000_0801, dims: [4], data: [])
        let a = try fixtures.write("part1.gz", first, gzip: true)
        let b = try fixtures.write("part2.gz", [0, 1, 2, 3], gzip: true)
        let joined = try fixtures.write("labels.gz", fixtures.read(a) + fixtures.read(b), gzip: false)
        XCTAssertEqual(try IDXReader.readLabels(path: joined), [0, 1, 2, 3])
    }

    func testBadMagicNamesFileAndExpectedMagic() throws {
        let images = try fixtures.writeImages("bad-images-idx3-ubyte", count: 2, magic: 0x0000_0801)
        assertDataError([images, "bad magic 0x00000801", "expected 0x00000803"]) {
            try IDXReader.readImages(path: images)
        }
        let labels = try fixtures.writeImages("swapped-labels-idx1-ubyte", count: 2)
        assertDataError([labels, "bad magic 0x00000803", "0x00000801", "looks like an IDX image file"]) {
            try IDXReader.readLabels(path: labels)
        }
        let junk = try fixtures.write("junk-images-idx3-ubyte", Array("hello, world".utf8), gzip: false)
        assertDataError([junk, "bad magic", "not an IDX file"]) { try IDXReader.readImages(path: junk) }
    }

    func testTruncatedAndOversizedIDX() throws {
        let short = try fixtures.writeImages("short-images-idx3-ubyte", count: 3, trim: 5)
        assertDataError([short, "truncated", "3x4x3", "52"]) { try IDXReader.readImages(path: short) }
        let long = try fixtures.writeImages("long-images-idx3-ubyte.gz", count: 3, gzip: true, extra: 10)
        assertDataError([long, "do not match the file size", "10 bytes too many"]) { try IDXReader.readImages(path: long) }
        let lying = try fixtures.writeImages("lying-images-idx3-ubyte", count: 3, declaredCount: 4)
        assertDataError([lying, "truncated", "4x4x3"]) { try IDXReader.readImages(path: lying) }
        let tiny = try fixtures.write("tiny", [0, 0], gzip: false)
        assertDataError([tiny, "truncated", "2 bytes"]) { try IDXReader.readLabels(path: tiny) }
    }

    func testImageLabelCountMismatchNamesBothFiles() throws {
        let images = try fixtures.writeImages("m-images-idx3-ubyte", count: 5)
        let labels = try fixtures.writeLabels("m-labels-idx1-ubyte", labels: [0, 1, 2, 3])
        assertDataError([images, labels, "5 images", "4 labels"]) {
            try IDXReader.readPair(imagesPath: images, labelsPath: labels, name: "m")
        }
        let wide = try fixtures.writeLabels("w-labels-idx1-ubyte", labels: [0, 1, 12, 3, 4])
        assertDataError([wide, "label 12", "0..<10"]) {
            try IDXReader.readPair(imagesPath: images, labelsPath: wide, name: "w", classCount: 10)
        }
    }

    func testCorruptAndTruncatedGzip() throws {
        let good = try fixtures.writeImages("g-images-idx3-ubyte.gz", count: 40, height: 8, width: 8, gzip: true)
        var bytes = fixtures.read(good)
        XCTAssertGreaterThan(bytes.count, 40)
        let cut = try fixtures.write("cut-images-idx3-ubyte.gz", Array(bytes.prefix(bytes.count / 2)), gzip: false)
        assertDataError([cut, "gzip", "truncated"]) { try IDXReader.readImages(path: cut) }
        // Damage the deflate data and, separately, the CRC in the trailer.
        var crc = bytes
        crc[crc.count - 6] ^= 0xFF
        let badCRC = try fixtures.write("crc-images-idx3-ubyte.gz", crc, gzip: false)
        assertDataError([badCRC, "corrupt gzip", "incorrect data check"]) { try IDXReader.readImages(path: badCRC) }
        for k in 12..<min(bytes.count - 8, 40) { bytes[k] ^= 0x5A }
        let corrupt = try fixtures.write("bad-images-idx3-ubyte.gz", bytes, gzip: false)
        assertDataError([corrupt, "gzip"]) { try IDXReader.readImages(path: corrupt) }
        let garbage = try fixtures.write("tail-images-idx3-ubyte.gz", fixtures.read(good) + [1, 2, 3], gzip: false)
        assertDataError([garbage, "3 unexpected bytes after the end of the gzip stream"]) {
            try IDXReader.readImages(path: garbage)
        }
    }

    func testMissingFileIsNamed() {
        let missing = fixtures.path("nope-images-idx3-ubyte.gz")
        assertDataError([missing, "file not found"]) { try IDXReader.readImages(path: missing) }
    }

    func testCIFARDirectoryLoadsStandardBatches() throws {
        for b in 1...5 { try fixtures.writeCIFAR("data_batch_\(b).bin", labels: [b, 9 - b]) }
        try fixtures.writeCIFAR("test_batch.bin", labels: [0, 1, 2])
        let loaded = try DatasetCatalog.load(name: fixtures.directory, options: DatasetOptions(normalize: false))
        XCTAssertEqual(loaded.train.count, 10)
        XCTAssertEqual(loaded.test.count, 3)
        XCTAssertEqual(loaded.train.imageShape, [3, 32, 32])
        XCTAssertEqual(loaded.train.classCount, 10)
        XCTAssertEqual(loaded.train.labels, [1, 8, 2, 7, 3, 6, 4, 5, 5, 4])
        XCTAssertEqual(loaded.test.labels, [0, 1, 2])
        XCTAssertEqual(loaded.train.classNames?[0], "airplane")
        // Record 1 of data_batch_1, green channel (c = 1), pixel k = 5: (1 + 50 + 5) / 255.
        XCTAssertEqual(loaded.train.image(at: 1)[1024 + 5], Float(56) / 255)
        let limited = try DatasetCatalog.load(name: fixtures.directory,
                                              options: DatasetOptions(trainLimit: 3, testLimit: 1, normalize: false))
        XCTAssertEqual(limited.train.labels, [1, 8, 2])
        XCTAssertEqual(limited.test.count, 1)
    }

    func testCIFARErrorsNameFileAndProblem() throws {
        let odd = try fixtures.writeCIFAR("data_batch_1.bin", labels: [1, 2], extra: 5)
        assertDataError([odd, "not a whole number of 3073-byte", "5 bytes left over"]) {
            try CIFAR10Reader.read(paths: [odd], name: "odd")
        }
        let badLabel = try fixtures.writeCIFAR("bad.bin", labels: [1, 12])
        assertDataError([badLabel, "record 1", "label 12", "expected 0…9"]) {
            try CIFAR10Reader.read(paths: [badLabel], name: "bad")
        }
        // A directory with some batches missing.
        try fixtures.writeCIFAR("data_batch_2.bin", labels: [1])
        try fixtures.writeCIFAR("test_batch.bin", labels: [1])
        assertDataError([fixtures.directory, "missing data_batch_3.bin, data_batch_4.bin, data_batch_5.bin"]) {
            try DatasetCatalog.load(name: fixtures.directory)
        }
    }

    func testCIFARSingleBatchHoldsOutATestSet() throws {
        let batch = try fixtures.writeCIFAR("data_batch_1.bin", labels: Array(repeating: 3, count: 14))
        let loaded = try DatasetCatalog.load(name: batch, options: DatasetOptions(normalize: false, holdoutFraction: 0.5))
        XCTAssertEqual(loaded.train.count, 7)
        XCTAssertEqual(loaded.test.count, 7)
        XCTAssertTrue(loaded.notes.joined().contains("held out 7 of the 14"))
    }

    func testCatalogLoadsIDXDirectoryAndExplicitFiles() throws {
        let trainImages = try fixtures.writeImages("train-images-idx3-ubyte.gz", count: 6, gzip: true)
        let trainLabels = try fixtures.writeLabels("train-labels-idx1-ubyte.gz", labels: [0, 1, 2, 0, 1, 2], gzip: true)
        let testImages = try fixtures.writeImages("t10k-images-idx3-ubyte", count: 2)
        let testLabels = try fixtures.writeLabels("t10k-labels-idx1-ubyte", labels: [3, 0])
        let fromDirectory = try DatasetCatalog.load(name: fixtures.directory)
        XCTAssertEqual(fromDirectory.train.count, 6)
        XCTAssertEqual(fromDirectory.test.count, 2)
        XCTAssertEqual(fromDirectory.train.classCount, 4, "class count covers train and test labels")
        XCTAssertEqual(fromDirectory.test.classCount, 4)
        XCTAssertNotNil(fromDirectory.train.normalization)
        let list = [trainImages, trainLabels, testImages, testLabels].joined(separator: ",")
        let fromFiles = try DatasetCatalog.load(name: list)
        XCTAssertEqual(fromFiles.train.images, fromDirectory.train.images)
        let pair = try DatasetCatalog.load(name: trainImages + "," + trainLabels,
                                           options: DatasetOptions(holdoutFraction: 1.0 / 3.0))
        XCTAssertEqual(pair.train.count, 4)
        XCTAssertEqual(pair.test.count, 2)
        assertDataError([trainImages, "single file"]) { try DatasetCatalog.load(name: trainImages) }
        assertDataError(["3 files", "IMAGES,LABELS"]) {
            try DatasetCatalog.load(name: [trainImages, trainLabels, testImages].joined(separator: ","))
        }
    }

    func testMissingDataSetsSayWhatIsAccepted() throws {
        assertDataError(["no-such-thing", "no such data set or path", "fashion-mnist", "synthetic"]) {
            try DatasetCatalog.load(name: "no-such-thing")
        }
        assertDataError([fixtures.directory, "no data set found", "train-images-idx3-ubyte"]) {
            try DatasetCatalog.load(name: fixtures.directory)
        }
        assertDataError(["apt-get install dataset-fashion-mnist", "--dataset synthetic",
                         fixtures.path("train-images-idx3-ubyte.gz")]) {
            try DatasetCatalog.loadFashionMNIST(directory: fixtures.directory)
        }
    }

    func testRealFashionMNISTWhenInstalled() throws {
        guard DatasetCatalog.fashionMNISTInstalled else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
        let loaded = try DatasetCatalog.load(name: "fashion-mnist", options: DatasetOptions(normalize: false))
        XCTAssertEqual(loaded.train.count, 60000)
        XCTAssertEqual(loaded.test.count, 10000)
        XCTAssertEqual(loaded.train.imageShape, [1, 28, 28])
        XCTAssertEqual(loaded.train.classCount, 10)
        XCTAssertEqual(loaded.test.classCounts, Array(repeating: 1000, count: 10))
        XCTAssertTrue(loaded.train.labels.allSatisfy { (0..<10).contains($0) })
        XCTAssertEqual(loaded.train.classNames?[9], "Ankle boot")
        let stats = loaded.test.channelStatistics()
        XCTAssertEqual(stats.mean[0], 0.286, accuracy: 0.01)
        XCTAssertEqual(stats.std[0], 0.353, accuracy: 0.01)
    }
}
