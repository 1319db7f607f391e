/// The characters widgets draw with: Unicode (braille, shades, box lines) or a plain ASCII fallback.
public struct GlyphSet: Hashable, Sendable {
    /// True when charts may use braille (2x4 dots per cell).
    public var braille: Bool
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Shades from empty to full; index by `shade(for:)`.
    public var shades: [Character]
    public var ellipsis: String
    /// Dashed lines for chart reference lines.
    public var dashHorizontal: Character
    public var dashVertical: Character
    /// Marks the best cell of a heatmap row.
    public var argmaxMarker: Character
    /// ASCII chart points: a data point of a line, a segment between points, a scatter point.
    public var linePoint: Character
    public var lineSegment: Character
    public var scatterPoint: Character
    public var times: Character
    public var upArrow: Character
    public var downArrow: Character

    public static let unicode = GlyphSet(
        braille: true, horizontal: "─", vertical: "│",
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        shades: [" ", "░", "▒", "▓", "█"], ellipsis: "…",
        dashHorizontal: "┄", dashVertical: "┆", argmaxMarker: "◆",
        linePoint: "•", lineSegment: "·", scatterPoint: "o", times: "×",
        upArrow: "▲", downArrow: "▼")

    public static let ascii = GlyphSet(
        braille: false, horizontal: "-", vertical: "|",
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        shades: [" ", ".", ":", "+", "#"], ellipsis: "...",
        dashHorizontal: "-", dashVertical: ":", argmaxMarker: "*",
        linePoint: "*", lineSegment: ".", scatterPoint: "o", times: "x",
        upArrow: "^", downArrow: "v")

    /// The shade glyph for a value in [0, 1] (values below 1/(2n) are blank).
    public func shade(for value: Double) -> Character {
        let v = value.isFinite ? min(1, max(0, value)) : 0
        let i = Int((v * Double(shades.count - 1)).rounded())
        return shades[min(shades.count - 1, max(0, i))]
    }

    /// Whether a locale environment asks for UTF-8: the first non-empty of LC_ALL, LC_CTYPE, LANG.
    public static func localeIsUTF8(_ environment: [String: String]) -> Bool {
        for key in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let v = environment[key], !v.isEmpty {
                let l = v.lowercased()
                return l.contains("utf-8") || l.contains("utf8")
            }
        }
        return false
    }

    /// Unicode when the locale is UTF-8, ASCII otherwise.
    public static func detect(environment: [String: String]) -> GlyphSet {
        localeIsUTF8(environment) ? .unicode : .ascii
    }
}

/// Text helpers that count each Character as one cell.
public enum TextLayout {
    /// `s` cut to at most `width` cells, ending in `ellipsis` when something was cut.
    public static func truncate(_ s: String, width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if s.count <= width { return s }
        if ellipsis.count >= width { return String(s.prefix(width)) }
        return String(s.prefix(width - ellipsis.count)) + ellipsis
    }

    public enum Alignment: Sendable { case left, right, center }

    /// `s` truncated and padded with spaces to exactly `width` cells.
    public static func fit(_ s: String, width: Int, alignment: Alignment = .left,
                           ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let t = truncate(s, width: width, ellipsis: ellipsis)
        let pad = width - t.count
        switch alignment {
        case .left: return t + String(repeating: " ", count: pad)
        case .right: return String(repeating: " ", count: pad) + t
        case .center:
            let l = pad / 2
            return String(repeating: " ", count: l) + t + String(repeating: " ", count: pad - l)
        }
    }

    /// Greedy word wrap to lines of at most `width` cells (long words are cut).
    public static func wrap(_ s: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var cur = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: true) {
            var w = String(word)
            while w.count > width {
                if !cur.isEmpty { lines.append(cur); cur = "" }
                lines.append(String(w.prefix(width)))
                w = String(w.dropFirst(width))
            }
            if cur.isEmpty { cur = w }
            else if cur.count + 1 + w.count <= width { cur += " " + w }
            else { lines.append(cur); cur = w }
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }

    /// A compact number for axis labels and cells: 0.93, 12.5, 1.2k, 3.4M, 2e-4.
    public static func compact(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        let a = abs(v)
        if a == 0 { return "0" }
        func trim(_ s: String) -> String {
            guard s.contains(".") else { return s }
            var t = s
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
            return t
        }
        func fixed(_ x: Double, _ digits: Int) -> String {
            var p = 1.0
            for _ in 0..<digits { p *= 10 }
            let r = (x * p).rounded() / p
            let neg = r < 0
            let ar = abs(r)
            let ip = ar.rounded(.down)
            var frac = Int(((ar - ip) * p).rounded())
            var ipi = Int(ip)
            if Double(frac) >= p { frac = 0; ipi += 1 }
            var s = String(ipi)
            if digits > 0 {
                var fs = String(frac)
                while fs.count < digits { fs = "0" + fs }
                s += "." + fs
            }
            return (neg ? "-" : "") + trim(s)
        }
        if a >= 1e9 { return fixed(v / 1e9, 1) + "G" }
        if a >= 1e6 { return fixed(v / 1e6, 1) + "M" }
        if a >= 1e4 { return fixed(v / 1e3, 1) + "k" }
        if a >= 100 { return fixed(v, 0) }
        if a >= 10 { return fixed(v, 1) }
        if a >= 0.01 { return fixed(v, 2) }
        // Scientific for tiny values.
        var e = 0
        var m = a
        while m < 1 { m *= 10; e -= 1 }
        return (v < 0 ? "-" : "") + fixed(m, 0) + "e" + String(e)
    }
}

extension TextLayout {
    /// Whether a Character takes exactly one terminal column: not a control, not a combining mark
    /// on its own, not East Asian wide and not an emoji. With `asciiOnly` (a non-UTF-8 locale),
    /// only printable ASCII qualifies. The backend draws anything else as "?".
    public static func isSingleWidth(_ ch: Character, asciiOnly: Bool = false) -> Bool {
        guard let s = ch.unicodeScalars.first else { return false }
        let v = s.value
        if asciiOnly { return v >= 0x20 && v < 0x7f && ch.unicodeScalars.count == 1 }
        if v < 0x20 || (v >= 0x7f && v < 0xa0) { return false }
        if v < 0x300 { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format, .unassigned, .surrogate, .control:
            return false
        default: break
        }
        if s.properties.isEmojiPresentation { return false }
        if ch.unicodeScalars.contains(where: { $0.value == 0xfe0f }) { return false }  // emoji style
        switch v {
        case 0x1100...0x115f, 0x2e80...0x303e, 0x3041...0x33ff, 0x3400...0x4dbf, 0x4e00...0x9fff,
             0xa000...0xa4cf, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60,
             0xffe0...0xffe6, 0x1f300...0x1f64f, 0x1f900...0x1f9ff, 0x20000...0x3fffd:
            return false
        default:
            return true
        }
    }
}
