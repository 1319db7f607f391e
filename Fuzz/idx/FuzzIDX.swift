import NAS

/// libFuzzer entry: any bytes as an IDX file (plain or gzip), read as a header, as images and as
/// labels. Each must return or throw `DataError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let file = try FileBytes.bytes(UnsafeRawBufferPointer(start: data, count: size), path: "fuzz.idx")
        _ = try? IDXReader.header(file)
        if let images = try? IDXReader.readImages(file, limit: 3) {
            precondition(images.pixels.count == images.count * images.height * images.width)
        }
        if let labels = try? IDXReader.readLabels(file) {
            precondition(labels.allSatisfy { (0...255).contains($0) })
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}
