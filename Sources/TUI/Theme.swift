import Foundation

/// A colour a theme assigns to a role: an RGB value or the terminal's own default colour.
public enum ThemeColor: Hashable, Sendable {
    case terminal
    case rgb(RGB)
    public var rgb: RGB? { if case .rgb(let c) = self { return c }; return nil }
}

/// Named colour roles, a series palette and a heatmap gradient, read from a `.theme` file.
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

    /// The built-in dark theme (same values as `themes/default.theme`), used when no file is found.
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
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "key \"\(key)\": " }
        return s + message
    }
}

extension Theme {
    /// Keys a theme file accepts besides the colour roles.
    public static let listKeys = ["series", "heatmap_low", "heatmap_mid", "heatmap_high"]
    public static let textKeys = ["name", "description"]
    public static var acceptedKeys: [String] { textKeys + ColorRole.allCases.map(\.rawValue) + listKeys }

    /// Reads a theme file; its name defaults to the file name without `.theme`.
    public static func load(path: String) throws -> Theme {
        let base = (path as NSString).lastPathComponent
        let name = base.hasSuffix(".theme") ? String(base.dropLast(6)) : base
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "cannot read the theme file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "not UTF-8 text")
        }
        return try parse(text, name: name, file: path)
    }

    /// Parses the theme format:
    ///
    ///     ; comment (a line starting with ";", or with "#" followed by a space, or a lone "#")
    ///     name = Default dark            free text
    ///     background = #1a1b26           #rrggbb, or `default` for the terminal's own colour
    ///     series = #7aa2f7, #9ece6a      comma-separated #rrggbb list
    ///     accent = #bb9af7  ; why        a trailing comment starts with whitespace and ";"
    ///
    /// `#` immediately followed by a hex digit is a colour, never a comment. Keys that are left
    /// out take the built-in default theme's value (a file that sets `heatmap_low` or `heatmap_high`
    /// but not `heatmap_mid` gets a two-colour gradient; `heatmap_mid = none` says so explicitly). Unknown keys, bad colours, keys set twice and
    /// lines without `=` are errors that name the file, the line and the key.
    public static func parse(_ text: String, name: String, file: String = "<theme>") throws -> Theme {
        var theme = Theme.builtinDefault
        theme.name = name
        theme.description = ""
        var seen: [String: Int] = [:]
        let accepted = "accepted keys: " + acceptedKeys.joined(separator: ", ")
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            let line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix(";") || line == "#" || line.hasPrefix("# ") || line.hasPrefix("#\t") {
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: lineNo, key: nil,
                                 message: "expected \"key = value\", a comment (\"; ...\" or \"# ...\") or a blank line, got \"\(line)\"")
            }
            let key = String(line[..<eq]).trimmingWhitespace().lowercased()
            var value = String(line[line.index(after: eq)...])
            if let r = value.range(of: #"\s;"#, options: .regularExpression) { value = String(value[..<r.lowerBound]) }
            value = value.trimmingWhitespace()
            func fail(_ msg: String) -> ThemeError { ThemeError(file: file, line: lineNo, key: key, message: msg) }
            if key.isEmpty { throw ThemeError(file: file, line: lineNo, key: nil, message: "missing key before \"=\"; \(accepted)") }
            if let first = seen[key] { throw fail("set twice (first on line \(first))") }
            seen[key] = lineNo
            func hex(_ v: String) throws -> RGB {
                guard let c = RGB(hex: v) else {
                    throw fail("bad colour \"\(v)\"; expected #rrggbb (a \"#\" and six hex digits)")
                }
                return c
            }
            if key == "name" { theme.name = value.isEmpty ? name : value; continue }
            if key == "description" { theme.description = value; continue }
            if let role = ColorRole(rawValue: key) {
                if value.lowercased() == "default" { theme.colors[role] = .terminal; continue }
                guard let c = RGB(hex: value) else {
                    throw fail("bad colour \"\(value)\"; expected #rrggbb (a \"#\" and six hex digits) or \"default\"")
                }
                theme.colors[role] = .rgb(c)
                continue
            }
            switch key {
            case "series":
                let items = value.split(separator: ",").map { String($0).trimmingWhitespace() }
                guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
                    throw fail("expected a comma-separated list of #rrggbb colours, got \"\(value)\"")
                }
                theme.series = try items.map(hex)
            case "heatmap_low": theme.heatmapLow = try hex(value)
            case "heatmap_mid": theme.heatmapMid = value.lowercased() == "none" ? nil : try hex(value)
            case "heatmap_high": theme.heatmapHigh = try hex(value)
            default:
                throw fail("unknown key; \(accepted)")
            }
        }
        // A file that sets its own gradient ends but no middle gets a two-colour gradient.
        if seen["heatmap_mid"] == nil && (seen["heatmap_low"] != nil || seen["heatmap_high"] != nil) {
            theme.heatmapMid = nil
        }
        return theme
    }
}
