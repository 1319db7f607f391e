import Config

/// libFuzzer entry: any bytes as a TOML document (invalid UTF-8 decoded with replacement
/// characters). Must return or throw `ConfigError`, never crash, hang or allocate without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let document = try TOMLDocument(parsing: text, file: "fuzz.toml")
        _ = document.keys.map { document[$0]?.text }
    } catch {
        _ = "\(error)"
    }
    return 0
}
