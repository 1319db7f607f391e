import Foundation

/// Reads CIFAR-10 binary batches (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`):
/// records of 1 label byte (0…9) and 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each
/// 32x32 row-major), so the pixels are already CHW. gzip-compressed batches are read directly.
public enum CIFAR10Reader {
    public static let imageBytes = 3 * 32 * 32
    public static let recordBytes = 1 + imageBytes
    public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    public static let testFile = "test_batch.bin"
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// Reads and joins the batches at `paths` in order into one 3x32x32, 10-class data set.
    /// `limit` keeps only the first images. Throws `DataError` naming the file for a size that is
    /// not a whole number of records or a label outside 0…9.
    public static func read(paths: [String], name: String, limit: Int? = nil) throws -> ImageDataset {
        try read(count: paths.count, name: name, limit: limit) { try FileBytes.read(path: paths[$0]) }
    }

    /// Reads batches already in memory (see `read(paths:name:limit:)`).
    public static func read(batches: [FileBytes], name: String, limit: Int? = nil) throws -> ImageDataset {
        try read(count: batches.count, name: name, limit: limit) { batches[$0] }
    }

    /// The batches one at a time (a file is read only when the records before it are not enough).
    private static func read(count: Int, name: String, limit: Int?, file: (Int) throws -> FileBytes) throws -> ImageDataset {
        guard count > 0 else {
            throw DataError("data set '\(name)': no CIFAR-10 batch files given; expected \(trainFiles.joined(separator: ", ")) or \(testFile)")
        }
        var pixels: [Float] = []
        var labels: [Int] = []
        let wanted = max(0, limit ?? Int.max)
        for n in 0..<count {
            if labels.count >= wanted { break }
            let file = try file(n)
            let path = file.path
            let records = try recordCount(file)
            let keep = min(records, wanted - labels.count)
            let start = labels.count
            labels.append(contentsOf: repeatElement(0, count: keep))
            pixels.append(contentsOf: repeatElement(0, count: keep * imageBytes))
            try file.withUnsafeBytes { raw in
                let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                try pixels.withUnsafeMutableBufferPointer { out in
                    try labels.withUnsafeMutableBufferPointer { outLabels in
                        for r in 0..<keep {
                            let record = bytes + r * recordBytes
                            let label = Int(record[0])
                            guard label < 10 else {
                                throw DataError("\(path): record \(r) (byte offset \(r * recordBytes)) has label \(label); expected 0…9 in a CIFAR-10 binary batch (1 label byte + 3072 pixel bytes per record)")
                            }
                            outLabels[start + r] = label
                            PixelConversion.convert(record + 1, to: out.baseAddress! + (start + r) * imageBytes,
                                                    count: imageBytes)
                        }
                    }
                }
            }
        }
        return try ImageDataset(name: name, images: pixels, labels: labels, channels: 3, height: 32,
                                width: 32, classCount: 10, classNames: classNames)
    }

    /// The number of whole records in a batch file, or a `DataError` naming the file.
    static func recordCount(_ file: FileBytes) throws -> Int {
        let size = file.count
        guard size > 0 else {
            throw DataError("\(file.path): empty file; expected CIFAR-10 records of \(recordBytes) bytes (1 label byte + 3072 pixel bytes)")
        }
        guard size % recordBytes == 0 else {
            var hint = ""
            if size % (recordBytes + 1) == 0 { hint = "; 3074-byte records look like CIFAR-100, which is not supported" }
            else if size > recordBytes { hint = "; the file is truncated or not a CIFAR-10 binary batch" }
            throw DataError("\(file.path): size \(size) bytes is not a whole number of \(recordBytes)-byte CIFAR-10 records (1 label byte + 3072 pixel bytes: \(size / recordBytes) records and \(size % recordBytes) bytes left over)\(hint)")
        }
        return size / recordBytes
    }
}
