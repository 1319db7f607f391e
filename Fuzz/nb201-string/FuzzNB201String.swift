import NAS

/// libFuzzer entry: any bytes as an NB201 string. Parsing must return or throw; an architecture
/// that parses must print as a string that parses back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNB201String(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let architecture = try NB201Architecture(nb201String: text)
        let again = try NB201Architecture(nb201String: architecture.nb201String)
        precondition(again == architecture, "the NB201 string does not round-trip: \(architecture.nb201String)")
    } catch {
        _ = "\(error)"
    }
    return 0
}
