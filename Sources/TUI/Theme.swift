import Foundation

/// A colour a theme assigns to a role: an RGB value or the terminal's own default colour.
public enum ThemeColor: Hashable, Sendable {
    case terminal
    case rgb(RGB)
    public var rgb: RGB? { if case .rgb(let c) = self { return c }; return nil }
}

/// Named colour roles, a series palette and a heatmap gradient, read from a theme file
/// (`themes/NAME.toml`, see `Theme.parse`).
///
/// Widgets draw with roles (`Color.role(.best)`); the backend resolves them through the theme,
/// so switching themes never re-lays-out a pane. See `Theme.parse` for the file format.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var description: String
    public var colors: [ColorRole: ThemeColor]
    /// Colours for chart series, used in order and wrapped around.
    public var series: [RGB]
    public var heatmapLow: RGB
    public var heatmapMid: RGB?
    public var heatmapHigh: RGB

    /// The built-in dark theme (same values as `themes/default.toml`), used when no file is found.
    public static let builtinDefault = Theme(
        name: "default", description: "Dark, the built-in default",
        colors: [
            .background: .rgb(RGB(0x1a, 0x1b, 0x26)), .foreground: .rgb(RGB(0xc0, 0xca, 0xf5)),
            .dim: .rgb(RGB(0x56, 0x5f, 0x89)), .border: .rgb(RGB(0x3b, 0x42, 0x61)),
            .borderFocus: .rgb(RGB(0x7a, 0xa2, 0xf7)), .title: .rgb(RGB(0x7d, 0xcf, 0xff)),
            .accent: .rgb(RGB(0xbb, 0x9a, 0xf7)), .selection: .rgb(RGB(0x33, 0x46, 0x7c)),
            .selectionText: .rgb(RGB(0xff, 0xff, 0xff)), .statusBackground: .rgb(RGB(0x24, 0x28, 0x3b)),
            .statusForeground: .rgb(RGB(0xa9, 0xb1, 0xd6)), .best: .rgb(RGB(0x9e, 0xce, 0x6a)),
            .running: .rgb(RGB(0x7a, 0xa2, 0xf7)), .complete: .rgb(RGB(0xc0, 0xca, 0xf5)),
            .pruned: .rgb(RGB(0xe0, 0xaf, 0x68)), .failed: .rgb(RGB(0xf7, 0x76, 0x8e)),
            .warning: .rgb(RGB(0xff, 0x9e, 0x64)), .marker: .rgb(RGB(0x56, 0x5f, 0x89)),
            .reference: .rgb(RGB(0xf7, 0x76, 0x8e)),
        ],
        series: [RGB(0x7a, 0xa2, 0xf7), RGB(0x9e, 0xce, 0x6a), RGB(0xe0, 0xaf, 0x68),
                 RGB(0xbb, 0x9a, 0xf7), RGB(0x7d, 0xcf, 0xff), RGB(0xf7, 0x76, 0x8e)],
        heatmapLow: RGB(0x1f, 0x23, 0x35), heatmapMid: RGB(0x3d, 0x59, 0xa1), heatmapHigh: RGB(0x9e, 0xce, 0x6a))

    public init(name: String, description: String = "", colors: [ColorRole: ThemeColor], series: [RGB],
                heatmapLow: RGB, heatmapMid: RGB? = nil, heatmapHigh: RGB) {
        self.name = name; self.description = description; self.colors = colors
        self.series = series; self.heatmapLow = heatmapLow; self.heatmapMid = heatmapMid
        self.heatmapHigh = heatmapHigh
    }

    /// The colour of a role (falling back to the built-in default); nil means the terminal default.
    public func color(_ role: ColorRole) -> RGB? {
        (colors[role] ?? Theme.builtinDefault.colors[role] ?? .terminal).rgb
    }

    /// The heatmap gradient at `t` in [0, 1] (through the mid colour when there is one).
    public func heat(_ t: Double) -> RGB {
        guard let mid = heatmapMid else { return heatmapLow.mix(heatmapHigh, t) }
        return t < 0.5 ? heatmapLow.mix(mid, t * 2) : mid.mix(heatmapHigh, (t - 0.5) * 2)
    }

    /// The RGB value a cell colour resolves to; nil means the terminal default.
    public func resolve(_ c: Color, asBackground: Bool) -> RGB? {
        switch c {
        case .default: return color(asBackground ? .background : .foreground)
        case .role(let r): return color(r)
        case .series(let i):
            let pal = series.isEmpty ? Theme.builtinDefault.series : series
            return pal[((i % pal.count) + pal.count) % pal.count]
        case .heat(let l): return heat(Double(l) / 255)
        case .rgb(let v): return v
        }
    }
}

/// A theme file problem: names the file, the line and the key, and says what is accepted.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String
    /// The column at fault, when the TOML reader knows it.
    public var column: Int? = nil
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if line != nil, let column { s += ":\(column)" }
        s += ": "
        if let key { s += "key \"\(key)\": " }
        return s + message
    }
}
