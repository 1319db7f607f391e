import Foundation

/// The bytes of a file read whole into memory; gzip files (magic 1f 8b) are decompressed on read.
/// Owns its buffer: read through `withUnsafeBytes` without copying.
public final class FileBytes: @unchecked Sendable {
    /// The path the bytes came from, for error messages.
    public let path: String
    /// Whether the file was gzip-compressed.
    public let wasCompressed: Bool
    public let count: Int
    let pointer: UnsafeMutableRawPointer

    init(path: String, pointer: UnsafeMutableRawPointer, count: Int, wasCompressed: Bool) {
        self.path = path
        self.pointer = pointer
        self.count = count
        self.wasCompressed = wasCompressed
    }

    deinit { pointer.deallocate() }

    /// The bytes, valid for the duration of `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Reads `path`, decompressing it when it is gzip. Throws `DataError` naming the path when
    /// the file is missing, unreadable, or holds corrupt or truncated gzip data.
    public static func read(path: String) throws -> FileBytes {
        let (raw, rawCount) = try readRaw(path: path)
        return try adopt(raw, count: rawCount, path: path)
    }

    /// The bytes of a file already in memory (copied), decompressed when they are gzip; `path`
    /// is the name errors give. Reads what `read(path:)` would read from a file of these bytes.
    public static func bytes(_ bytes: UnsafeRawBufferPointer, path: String) throws -> FileBytes {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if let base = bytes.baseAddress, bytes.count > 0 { raw.copyMemory(from: base, byteCount: bytes.count) }
        return try adopt(raw, count: bytes.count, path: path)
    }

    /// Takes ownership of `raw` (decompressing it into a new buffer when it is gzip).
    private static func adopt(_ raw: UnsafeMutableRawPointer, count rawCount: Int, path: String) throws -> FileBytes {
        if rawCount >= 2, raw.load(fromByteOffset: 0, as: UInt8.self) == 0x1F,
           raw.load(fromByteOffset: 1, as: UInt8.self) == 0x8B {
            defer { raw.deallocate() }
            let (out, outCount) = try Gzip.decompress(
                UnsafeRawBufferPointer(start: raw, count: rawCount), path: path)
            return FileBytes(path: path, pointer: out, count: outCount, wasCompressed: true)
        }
        return FileBytes(path: path, pointer: raw, count: rawCount, wasCompressed: false)
    }

    /// The file's bytes as stored, in a buffer the caller deallocates.
    private static func readRaw(path: String) throws -> (UnsafeMutableRawPointer, Int) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError("\(path): file not found")
        }
        if isDirectory.boolValue {
            throw DataError("\(path): is a directory, expected a data file")
        }
        guard let file = fopen(path, "rb") else {
            throw DataError("\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else {
            throw DataError("\(path): cannot seek (\(String(cString: strerror(errno)))); expected a regular file")
        }
        let size = Int(ftello(file))
        guard size >= 0, fseeko(file, 0, SEEK_SET) == 0 else {
            throw DataError("\(path): cannot determine the file size; expected a regular file")
        }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var done = 0
        while done < size {
            let n = fread(buffer + done, 1, size - done, file)
            if n == 0 {
                let reason = ferror(file) != 0 ? String(cString: strerror(errno)) : "unexpected end of file"
                buffer.deallocate()
                throw DataError("\(path): read failed after \(done) of \(size) bytes (\(reason))")
            }
            done += n
        }
        return (buffer, size)
    }
}
