import Foundation

/// Reads IDX files, the MNIST format used by MNIST, Fashion-MNIST, KMNIST and EMNIST:
/// two zero bytes, a type byte (0x08: unsigned byte), a dimension count, one big-endian
/// UInt32 per dimension, then the data. gzip-compressed files are read directly.
public enum IDXReader {
    /// The parsed header of an IDX file.
    public struct Header: Equatable, Sendable {
        public let dataType: UInt8
        public let dimensions: [Int]
        /// Where the data starts (4 + 4 * rank).
        public let dataOffset: Int
    }

    /// Magic of an unsigned-byte image file (count x rows x columns).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic of an unsigned-byte label file (count).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// Reads an image file: `count x rows x columns` unsigned bytes, scaled to [0, 1].
    /// `limit` keeps only the first images (the whole file is still checked); `total` is the
    /// number of images in the file, `count` the number kept.
    public static func readImages(path: String, limit: Int? = nil) throws -> (pixels: [Float], count: Int, total: Int, height: Int, width: Int) {
        try readImages(try FileBytes.read(path: path), limit: limit)
    }

    /// Reads an image file already in memory (see `readImages(path:limit:)`).
    public static func readImages(_ file: FileBytes, limit: Int? = nil) throws -> (pixels: [Float], count: Int, total: Int, height: Int, width: Int) {
        let path = file.path
        let header = try parseHeader(file, expectedMagic: imageMagic, role: "images",
                                     layout: "count x rows x columns")
        let (n, h, w) = (header.dimensions[0], header.dimensions[1], header.dimensions[2])
        guard h > 0, w > 0 else {
            throw DataError("\(path): image size \(h)x\(w) in the IDX header; expected rows and columns >= 1")
        }
        let keep = min(n, max(0, limit ?? n))
        let values = keep * h * w
        let pixels = [Float](unsafeUninitializedCapacity: values) { buffer, initialized in
            file.withUnsafeBytes { raw in
                let bytes = (raw.baseAddress! + header.dataOffset).assumingMemoryBound(to: UInt8.self)
                PixelConversion.convert(bytes, to: buffer.baseAddress!, count: values)
            }
            initialized = values
        }
        return (pixels, keep, n, h, w)
    }

    /// Reads a label file: `count` unsigned bytes. `limit` keeps only the first labels.
    public static func readLabels(path: String, limit: Int? = nil) throws -> [Int] {
        try readLabels(try FileBytes.read(path: path), limit: limit)
    }

    /// Reads a label file already in memory (see `readLabels(path:limit:)`).
    public static func readLabels(_ file: FileBytes, limit: Int? = nil) throws -> [Int] {
        let header = try parseHeader(file, expectedMagic: labelMagic, role: "labels", layout: "count")
        let keep = min(header.dimensions[0], max(0, limit ?? header.dimensions[0]))
        var labels = [Int](repeating: 0, count: keep)
        file.withUnsafeBytes { raw in
            let bytes = (raw.baseAddress! + header.dataOffset).assumingMemoryBound(to: UInt8.self)
            labels.withUnsafeMutableBufferPointer { out in
                for i in 0..<keep { out[i] = Int(bytes[i]) }
            }
        }
        return labels
    }

    /// Reads an image file and its label file into a data set. Throws `DataError` naming the
    /// files when the counts differ or a label is outside `0..<classCount` (when given;
    /// otherwise the class count is the largest label + 1).
    public static func readPair(imagesPath: String, labelsPath: String, name: String,
                                classCount: Int? = nil, classNames: [String]? = nil,
                                limit: Int? = nil) throws -> ImageDataset {
        let labels = try readLabels(path: labelsPath)
        let images = try readImages(path: imagesPath, limit: limit)
        let totalImages = images.total
        guard totalImages == labels.count else {
            throw DataError("\(imagesPath) holds \(totalImages) images but \(labelsPath) holds \(labels.count) labels; expected one label per image")
        }
        let kept = Array(labels.prefix(images.count))
        let classes = classCount ?? ((labels.max() ?? 0) + 1)
        if let bad = kept.firstIndex(where: { $0 >= classes }) {
            throw DataError("\(labelsPath): label \(kept[bad]) at index \(bad) is outside 0..<\(classes); expected labels of \(classes) classes")
        }
        return try ImageDataset(name: name, images: images.pixels, labels: kept, channels: 1,
                                height: images.height, width: images.width, classCount: classes,
                                classNames: classNames?.count == classes ? classNames : nil)
    }

    /// The header of an IDX file (any magic), for inspecting a file before loading it.
    public static func header(path: String) throws -> Header {
        try header(try FileBytes.read(path: path))
    }

    /// The header of an IDX file already in memory.
    public static func header(_ file: FileBytes) throws -> Header {
        try parseHeader(file, expectedMagic: nil, role: "data", layout: "")
    }

    /// Parses and checks the header against the file size.
    static func parseHeader(_ file: FileBytes, expectedMagic: UInt32?, role: String, layout: String) throws -> Header {
        let path = file.path
        let expectedText = expectedMagic.map { "0x" + hex($0) + " (IDX unsigned-byte \(role): \(layout))" }
        let holds = file.wasCompressed ? "holds (decompressed)" : "holds"
        return try file.withUnsafeBytes { raw -> Header in
            guard raw.count >= 4 else {
                throw DataError("\(path): truncated: \(raw.count) bytes, too short for an IDX header; expected magic \(expectedText ?? "00 00 08 NN")")
            }
            let magic = readUInt32(raw, at: 0)
            let rank = Int(raw[3])
            if let expected = expectedMagic, magic != expected {
                var hint = ""
                if magic == imageMagic { hint = "; this looks like an IDX image file" }
                if magic == labelMagic { hint = "; this looks like an IDX label file" }
                if raw[0] != 0 || raw[1] != 0 { hint = "; this is not an IDX file" }
                throw DataError("\(path): bad magic 0x\(hex(magic)); expected \(expectedText!)\(hint)")
            }
            guard raw[0] == 0, raw[1] == 0, rank >= 1 else {
                throw DataError("\(path): bad magic 0x\(hex(magic)); expected an IDX header (00 00, type byte, dimension count >= 1)")
            }
            guard raw[2] == 0x08 else {
                throw DataError("\(path): IDX element type 0x\(String(raw[2], radix: 16)); expected 0x08 (unsigned byte)")
            }
            let offset = 4 + 4 * rank
            guard raw.count >= offset else {
                throw DataError("\(path): truncated: \(raw.count) bytes, the IDX header with \(rank) dimensions needs \(offset)")
            }
            var dims: [Int] = []
            var total = 1
            for d in 0..<rank {
                let size = Int(readUInt32(raw, at: 4 + 4 * d))
                dims.append(size)
                let (product, overflow) = total.multipliedReportingOverflow(by: size)
                guard !overflow else {
                    throw DataError("\(path): IDX dimensions \(dims) are too large")
                }
                total = product
            }
            let shape = dims.map(String.init).joined(separator: "x")
            let expectedBytes = offset + total
            if raw.count < expectedBytes {
                throw DataError("\(path): truncated: the header declares \(shape) bytes of data (\(expectedBytes) bytes with the header) but the file \(holds) \(raw.count)")
            }
            if raw.count > expectedBytes {
                throw DataError("\(path): dimensions do not match the file size: the header declares \(shape) (\(expectedBytes) bytes with the header) but the file \(holds) \(raw.count), \(raw.count - expectedBytes) bytes too many")
            }
            if dims[0] == 0 {
                throw DataError("\(path): holds no \(role) (count 0 in the IDX header); expected at least one")
            }
            return Header(dataType: raw[2], dimensions: dims, dataOffset: offset)
        }
    }

    @inline(__always) static func readUInt32(_ raw: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
