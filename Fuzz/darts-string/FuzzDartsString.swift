import NAS

/// libFuzzer entry: any bytes as a DARTS genotype string. Parsing must return or throw; a
/// genotype that parses must print as a string that parses back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDartsString(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let genotype = try DartsGenotype(dartsString: text)
        let again = try DartsGenotype(dartsString: genotype.dartsString)
        precondition(again == genotype, "the DARTS string does not round-trip: \(genotype.dartsString)")
    } catch {
        _ = "\(error)"
    }
    return 0
}
