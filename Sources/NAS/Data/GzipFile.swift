import CZlib
import Foundation

/// gzip decompression through zlib's inflate, with errors that name the file.
enum Gzip {
    /// deflate's largest expansion: a compressed byte yields at most 1032 bytes.
    static let maxExpansion = 1032

    /// The output buffer reserved before inflating. The gzip trailer stores the uncompressed size
    /// mod 2^32: a good first guess, but only a guess (a corrupt trailer may claim 4 GiB): deflate
    /// expands at most 1032-fold, so no more than that is reserved up front; the buffer grows as
    /// output arrives.
    static func initialCapacity(_ input: UnsafeRawBufferPointer) -> Int {
        let inCount = input.count
        var capacity = max(inCount * 2, 1 << 16)
        if inCount >= 18 {
            var isize = 0
            for i in 0..<4 { isize |= Int(input[inCount - 4 + i]) << (8 * i) }
            if isize > 0 { capacity = max(min(isize, inCount * maxExpansion), 1) }
        }
        return capacity
    }

    /// Decompresses every gzip member in `input` into a new buffer the caller owns.
    /// Trailing zero padding is ignored; any other trailing bytes, corrupt data, a bad checksum
    /// or a stream that ends early throw `DataError` naming `path`.
    static func decompress(_ input: UnsafeRawBufferPointer, path: String) throws -> (UnsafeMutableRawPointer, Int) {
        let inCount = input.count
        var capacity = initialCapacity(input)
        var out = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var produced = 0
        var stream = z_stream()
        // 15 + 32: a 32 KiB window, gzip or zlib header detected automatically.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            out.deallocate()
            throw DataError("\(path): zlib could not start decompressing (out of memory?)")
        }
        defer { inflateEnd(&stream) }
        var consumed = 0
        do {
            memberLoop: while true {
                while true {
                    if produced == capacity {
                        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                        bigger.copyMemory(from: out, byteCount: produced)
                        out.deallocate()
                        out = bigger
                        capacity *= 2
                    }
                    let remainingIn = inCount - consumed
                    let chunkIn = min(remainingIn, Int(UInt32.max / 2))
                    let chunkOut = min(capacity - produced, Int(UInt32.max / 2))
                    stream.next_in = UnsafeMutablePointer(
                        mutating: (input.baseAddress! + consumed).assumingMemoryBound(to: Bytef.self))
                    stream.avail_in = uInt(chunkIn)
                    stream.next_out = (out + produced).assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(chunkOut)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    consumed += chunkIn - Int(stream.avail_in)
                    produced += chunkOut - Int(stream.avail_out)
                    switch status {
                    case Z_STREAM_END:
                        break
                    case Z_OK, Z_BUF_ERROR:
                        // Output room left means inflate wanted more input than there is.
                        if stream.avail_out > 0 && consumed == inCount {
                            throw DataError("\(path): gzip data is truncated (input ended after \(inCount) compressed bytes, \(produced) bytes decompressed, before the end of the stream); the file is incomplete, download or reinstall it")
                        }
                        if status == Z_BUF_ERROR && stream.avail_out > 0 {
                            throw DataError("\(path): gzip data could not be decompressed near compressed byte \(consumed) (no progress); expected a valid gzip stream")
                        }
                        continue
                    default:
                        let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        throw DataError("\(path): corrupt gzip data near compressed byte \(consumed) (\(reason)); expected a valid gzip stream")
                    }
                    break
                }
                // Another member follows, or zero padding, or garbage.
                var rest = consumed
                while rest < inCount && input[rest] == 0 { rest += 1 }
                if rest == inCount { break memberLoop }
                if consumed + 1 < inCount && input[consumed] == 0x1F && input[consumed + 1] == 0x8B {
                    inflateReset(&stream)
                    continue memberLoop
                }
                throw DataError("\(path): \(inCount - consumed) unexpected bytes after the end of the gzip stream (at byte \(consumed)); expected end of file or another gzip member")
            }
        } catch {
            out.deallocate()
            throw error
        }
        return (out, produced)
    }
}
