import Search

/// libFuzzer entry: any bytes as a tabular-benchmark CSV file (which exercises the CSV reader
/// and every genotype format in the arch column). Must return or throw `SearchError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTabularCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let table = try TabularBenchmark(parsing: text, file: "fuzz.csv")
        for entry in table.entries {
            precondition(table.entry(for: entry.genotype) == entry)
            precondition(entry.accuracies.values.allSatisfy { (0...1).contains($0) })
        }
        _ = try table.domain()
    } catch {
        _ = "\(error)"
    }
    return 0
}
