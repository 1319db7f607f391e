/// Byte pixels to Float32 in [0, 1], through a lookup table (exactly `Float(v) / 255`).
enum PixelConversion {
    static let table: [Float] = (0..<256).map { Float($0) / 255 }

    /// Converts `count` bytes at `source` into floats at `target`.
    static func convert(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<Float>, count: Int) {
        table.withUnsafeBufferPointer { lut in
            let t = lut.baseAddress!
            var i = 0
            while i < count {
                target[i] = t[Int(source[i])]
                i += 1
            }
        }
    }
}
