import NAS

/// libFuzzer entry: any bytes as a chain-space TOML file. Parsing must return or throw; a space
/// that parses must resolve the architecture it samples.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChainSpace(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let space = try ChainSpace(parsing: text, file: "fuzz.toml")
        var generator = SystemRandomNumberGenerator()
        let assignment = space.sample(using: &generator)
        _ = try space.resolve(assignment)
    } catch {
        _ = "\(error)"
    }
    return 0
}
