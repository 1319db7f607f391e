import Foundation

/// The safetensors file format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header mapping each tensor's name to its dtype, shape and byte range, then the raw
/// little-endian data. Used for saved models and for exchanging weights and batches with PyTorch.
///
/// Float tensors are F32; integer data (labels, batch-norm step counters) is I64.
public enum SafeTensors {
    /// One tensor of a file: F32 values or I64 values, with its shape.
    public enum Entry: Equatable, Sendable {
        case float32(shape: [Int], values: [Float])
        case int64(shape: [Int], values: [Int64])

        public var shape: [Int] {
            switch self {
            case .float32(let shape, _), .int64(let shape, _): return shape
            }
        }

        var dtype: String {
            switch self {
            case .float32: return "F32"
            case .int64: return "I64"
            }
        }

        var byteCount: Int {
            switch self {
            case .float32(_, let values): return values.count * 4
            case .int64(_, let values): return values.count * 8
            }
        }
    }

    /// A read or malformed file, named with what is wrong.
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The bytes of a file holding `entries` (written in name order) and the string `metadata`.
    public static func encode(_ entries: [String: Entry], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = entries.keys.sorted()
        for name in names {
            let entry = entries[name]!
            let count = entry.shape.reduce(1, *)
            let values: Int
            switch entry {
            case .float32(_, let v): values = v.count
            case .int64(_, let v): values = v.count
            }
            guard count == values else {
                throw FormatError("tensor \(name): shape \(entry.shape) holds \(count) values, given \(values)")
            }
            header[name] = ["dtype": entry.dtype, "shape": entry.shape, "data_offsets": [offset, offset + entry.byteCount]]
            offset += entry.byteCount
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // The data starts 8-byte aligned, as the reference implementation pads with spaces.
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            switch entries[name]! {
            case .float32(_, let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
            case .int64(_, let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Writes `entries` to `url` (atomically: a crash never leaves half a file).
    public static func write(_ entries: [String: Entry], metadata: [String: String] = [:], to url: URL) throws {
        try encode(entries, metadata: metadata).write(to: url, options: .atomic)
    }

    /// The tensors and metadata of a safetensors file's bytes; F32 and I64 are read, other
    /// dtypes are refused by name.
    public static func decode(_ data: Data, source: String = "safetensors data") throws -> (entries: [String: Entry], metadata: [String: String]) {
        guard data.count >= 8 else { throw FormatError("\(source): \(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { raw in UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw FormatError("\(source): header of \(headerLength) bytes does not fit in a file of \(data.count)")
        }
        let headerEnd = 8 + Int(headerLength)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) } catch {
            throw FormatError("\(source): the header is not JSON")
        }
        guard let header = object as? [String: Any] else { throw FormatError("\(source): the header is not a JSON object") }
        let body = data.count - headerEnd
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2,
                  shape.allSatisfy({ $0 >= 0 }) else {
                throw FormatError("\(source): tensor \(name) has no dtype, shape and data_offsets")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= body else {
                throw FormatError("\(source): tensor \(name) lies at bytes \(begin)..<\(end) of a body of \(body)")
            }
            let count = shape.reduce(1, *)
            let slice = data.subdata(in: (headerEnd + begin)..<(headerEnd + end))
            switch dtype {
            case "F32":
                guard slice.count == count * 4 else { throw FormatError("\(source): tensor \(name) \(shape) needs \(count * 4) bytes, has \(slice.count)") }
                entries[name] = .float32(shape: shape, values: slice.withUnsafeBytes { raw in
                    (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
                })
            case "I64":
                guard slice.count == count * 8 else { throw FormatError("\(source): tensor \(name) \(shape) needs \(count * 8) bytes, has \(slice.count)") }
                entries[name] = .int64(shape: shape, values: slice.withUnsafeBytes { raw in
                    (0..<count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
                })
            default:
                throw FormatError("\(source): tensor \(name) has dtype \(dtype); accepted: F32, I64")
            }
        }
        return (entries, metadata)
    }

    /// Reads the safetensors file at `url`.
    public static func read(contentsOf url: URL) throws -> (entries: [String: Entry], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw FormatError("\(url.path): cannot read the file") }
        return try decode(data, source: url.path)
    }
}

extension SafeTensors.Entry {
    /// The F32 entry of a tensor's values and shape.
    public init(_ tensor: Tensor) {
        self = .float32(shape: tensor.shape, values: Array(UnsafeBufferPointer(start: tensor.data, count: tensor.count)))
    }

    /// The values as a new tensor (I64 values converted to Float).
    public func tensor() throws -> Tensor {
        switch self {
        case .float32(let shape, let values): return try Tensor(shape: shape, scalars: values)
        case .int64(let shape, let values): return try Tensor(shape: shape, scalars: values.map(Float.init))
        }
    }
}
