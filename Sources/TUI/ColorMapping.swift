/// How many colours the terminal can show.
public enum ColorCapability: String, Hashable, Sendable {
    /// No colour: NO_COLOR is set or the terminal has none. Attributes (bold, reverse) still work.
    case none
    /// The 8 basic ANSI colours.
    case basic8
    /// The xterm 256-colour palette.
    case indexed256
    /// 24-bit colour; drawn through the nearest xterm-256 index.
    case truecolor

    /// Decides from the environment and the terminal's colour count (ncurses `COLORS`).
    /// NO_COLOR (any non-empty value, see no-color.org) wins; COLORTERM=truecolor|24bit upgrades 256.
    public static func detect(environment: [String: String], colors: Int) -> ColorCapability {
        if let nc = environment["NO_COLOR"], !nc.isEmpty { return .none }
        if colors >= 256 {
            let ct = (environment["COLORTERM"] ?? "").lowercased()
            return (ct == "truecolor" || ct == "24bit") ? .truecolor : .indexed256
        }
        if colors >= 8 { return .basic8 }
        return .none
    }

    /// The terminal colour index for an RGB value, or nil when there is no colour.
    public func index(for c: RGB) -> Int? {
        switch self {
        case .none: return nil
        case .basic8: return ColorMap.nearestBasic8(c)
        case .indexed256, .truecolor: return ColorMap.nearestXterm256(c)
        }
    }
}

/// Nearest-colour lookups into the xterm palettes.
public enum ColorMap {
    /// The six levels of each channel of the xterm 6x6x6 cube (indices 16...231).
    public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The basic 8 colours as xterm draws them: black, red, green, yellow, blue, magenta, cyan, white.
    public static let basic8: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
    ]

    static func dist2(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return dr * dr + dg * dg + db * db
    }

    /// The RGB value of xterm-256 index `i` (16...255; 0...15 use the basic/bright defaults).
    public static func xterm256(_ i: Int) -> RGB {
        switch i {
        case 0..<8: return basic8[i]
        case 8..<16:
            let bright: [RGB] = [RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
                                 RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255)]
            return bright[i - 8]
        case 16..<232:
            let k = i - 16
            return RGB(UInt8(cubeLevels[k / 36]), UInt8(cubeLevels[(k / 6) % 6]), UInt8(cubeLevels[k % 6]))
        default:
            let v = UInt8(8 + 10 * (min(255, max(232, i)) - 232))
            return RGB(v, v, v)
        }
    }

    /// Nearest index in 16...255 (the cube and the grey ramp; 0...15 vary between terminals).
    public static func nearestXterm256(_ c: RGB) -> Int {
        func level(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(l - Int(v)) < abs(cubeLevels[best] - Int(v)) { best = i }
            return best
        }
        let ri = level(c.r), gi = level(c.g), bi = level(c.b)
        let cubeIndex = 16 + 36 * ri + 6 * gi + bi
        let cubeDist = dist2(c, xterm256(cubeIndex))
        let avg = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let grayStep = min(23, max(0, (avg - 8 + 5) / 10))
        let grayIndex = 232 + grayStep
        let grayDist = dist2(c, xterm256(grayIndex))
        return grayDist < cubeDist ? grayIndex : cubeIndex
    }

    /// Nearest of the 8 basic colours (0 black ... 7 white).
    public static func nearestBasic8(_ c: RGB) -> Int {
        var best = 0
        var bestD = Int.max
        for (i, b) in basic8.enumerated() {
            let d = dist2(c, b)
            if d < bestD { bestD = d; best = i }
        }
        return best
    }
}
