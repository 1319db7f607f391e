import NAS

/// libFuzzer entry: any bytes as a CIFAR-10 binary batch (plain or gzip). Reading must return
/// a data set or throw `DataError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let file = try FileBytes.bytes(UnsafeRawBufferPointer(start: data, count: size), path: "fuzz_batch.bin")
        let set = try CIFAR10Reader.read(batches: [file, file], name: "fuzz", limit: 3)
        precondition(set.count <= 3)
    } catch {
        _ = "\(error)"
    }
    return 0
}
