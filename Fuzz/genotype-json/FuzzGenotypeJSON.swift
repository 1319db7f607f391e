import NAS

/// libFuzzer entry: any bytes as genotype JSON. Parsing must return or throw; a genotype that
/// parses must write JSON that parses back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGenotypeJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let genotype = try Genotype(json: text)
        let again = try Genotype(json: genotype.jsonString)
        precondition(again.jsonString == genotype.jsonString, "the genotype JSON does not round-trip: \(genotype.jsonString)")
    } catch {
        _ = "\(error)"
    }
    return 0
}
