import TUI

/// libFuzzer entry: any bytes as a theme file. Must return a theme or throw `ThemeError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let theme = try Theme.parse(text, name: "fuzz", file: "fuzz.theme")
        precondition(!theme.series.isEmpty)
    } catch {
        _ = "\(error)"
    }
    return 0
}
