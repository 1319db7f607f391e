/// A 24-bit colour.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    /// Parses `#rrggbb` (case-insensitive); nil for anything else.
    public init?(hex: String) {
        let s = hex.trimmingWhitespace()
        guard s.hasPrefix("#") else { return nil }
        let digits = s.dropFirst()
        guard digits.count == 6, digits.allSatisfy({ $0.isHexDigit }),
              let v = UInt32(digits, radix: 16) else { return nil }
        self.init(UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff))
    }

    public var hex: String {
        func h(_ v: UInt8) -> String {
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + h(r) + h(g) + h(b)
    }

    /// Linear blend: `t = 0` gives `self`, `t = 1` gives `other`.
    public func mix(_ other: RGB, _ t: Double) -> RGB {
        let u = t.isFinite ? min(1, max(0, t)) : 0
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * u).rounded())
        }
        return RGB(m(r, other.r), m(g, other.g), m(b, other.b))
    }

    public var description: String { hex }
}

/// Named colour roles a theme assigns. Raw values are the keys of a theme file.
public enum ColorRole: String, CaseIterable, Sendable {
    case background, foreground, dim, border
    case borderFocus = "border_focus"
    case title, accent, selection
    case selectionText = "selection_text"
    case statusBackground = "status_bg"
    case statusForeground = "status_fg"
    case best, running, complete, pruned, failed, warning
    /// Vertical event markers in charts (e.g. strategy switches).
    case marker
    /// Reference lines in charts (e.g. the latency target).
    case reference
}

/// A colour as widgets ask for it: mostly by role, resolved through the `Theme` by the backend.
public enum Color: Hashable, Sendable {
    /// The theme's foreground (as a foreground) or background (as a background).
    case `default`
    case role(ColorRole)
    /// Entry `i` of the theme's series palette (wraps around).
    case series(Int)
    /// A point on the theme's heatmap gradient, 0 = low ... 255 = high.
    case heat(UInt8)
    case rgb(RGB)

    /// The heat colour for a value in [0, 1], quantised to `levels` steps so few colour pairs are used.
    public static func heat(value: Double, levels: Int = 16) -> Color {
        let v = value.isFinite ? min(1, max(0, value)) : 0
        let n = max(2, levels)
        let step = (v * Double(n - 1)).rounded()
        return .heat(UInt8((step / Double(n - 1) * 255).rounded()))
    }
}

/// Text attributes as a bit set.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1)
    public static let dim = Attributes(rawValue: 2)
    public static let reverse = Attributes(rawValue: 4)
    public static let underline = Attributes(rawValue: 8)
}

/// Foreground, background and attributes of one cell.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var attrs: Attributes

    public init(fg: Color = .default, bg: Color = .default, attrs: Attributes = []) {
        self.fg = fg; self.bg = bg; self.attrs = attrs
    }

    public static let plain = Style()

    public static func role(_ r: ColorRole, _ attrs: Attributes = []) -> Style {
        Style(fg: .role(r), attrs: attrs)
    }

    public func fg(_ c: Color) -> Style { var s = self; s.fg = c; return s }
    public func bg(_ c: Color) -> Style { var s = self; s.bg = c; return s }
    public func adding(_ a: Attributes) -> Style { var s = self; s.attrs.formUnion(a); return s }
    public var bold: Style { adding(.bold) }
    public var dim: Style { adding(.dim) }
    public var reversed: Style { adding(.reverse) }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
