import Config
import Foundation

extension Theme {
    /// Keys a theme file accepts besides the colour roles.
    public static let listKeys = ["series", "heatmap_low", "heatmap_mid", "heatmap_high"]
    public static let textKeys = ["name", "description"]
    public static var acceptedKeys: [String] { textKeys + ColorRole.allCases.map(\.rawValue) + listKeys }

    /// Reads a theme file; its name defaults to the file name without its extension.
    public static func load(path: String) throws -> Theme {
        let base = (path as NSString).lastPathComponent
        let ext = ThemeLibrary.fileExtension
        let name = base.hasSuffix(ext) ? String(base.dropLast(ext.count)) : base
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "cannot read the theme file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "not UTF-8 text")
        }
        return try parse(text, name: name, file: path)
    }

    /// Parses a theme file, TOML read by `Config`'s `TOMLDocument`:
    ///
    ///     # comment
    ///     name = "Default dark"                free text
    ///     background = "#1a1b26"               "#rrggbb", or "default" for the terminal's own colour
    ///     series = ["#7aa2f7", "#9ece6a"]      an array of "#rrggbb"
    ///     accent = "#bb9af7"   # why           a trailing comment
    ///
    /// Keys that are left out take the built-in default theme's value (a file that sets
    /// `heatmap_low` or `heatmap_high` but not `heatmap_mid` gets a two-colour gradient;
    /// `heatmap_mid = "none"` says so explicitly). TOML syntax errors, unknown keys, bad colours
    /// and keys set twice are errors that name the file, the line and the key.
    public static func parse(_ text: String, name: String, file: String = "<theme>") throws -> Theme {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text, file: file)
        } catch let e as ConfigError {
            throw syntaxError(e, text: text)
        }
        var theme = Theme.builtinDefault
        theme.name = name
        theme.description = ""
        let accepted = "accepted keys: " + acceptedKeys.joined(separator: ", ")
        var seen: [String: Int] = [:]
        for rawKey in document.keys {
            guard let value = document[rawKey] else { continue }
            let key = rawKey.lowercased()
            func fail(_ msg: String) -> ThemeError {
                ThemeError(file: file, line: value.line, key: rawKey, message: msg, column: value.column)
            }
            if let first = seen[key] { throw fail("set twice (first on line \(first))") }
            seen[key] = value.line
            /// The value as text for messages: a string as written in quotes, anything else as TOML.
            let shown = value.stringValue.map { "\"\($0)\"" } ?? value.text
            func hex(_ v: TOMLValue) throws -> RGB {
                let text = v.stringValue.map { "\"\($0)\"" } ?? v.text
                guard let s = v.stringValue, let c = RGB(hex: s) else {
                    throw ThemeError(file: file, line: v.line, key: rawKey,
                                     message: "bad colour \(text); expected \"#rrggbb\" (a \"#\" and six hex digits, in quotes)",
                                     column: v.column)
                }
                return c
            }
            func string() throws -> String {
                guard let s = value.stringValue else { throw fail("expected a string in quotes, got \(shown)") }
                return s
            }
            switch key {
            case "name":
                let s = try string().trimmingWhitespace()
                theme.name = s.isEmpty ? name : s
                continue
            case "description":
                theme.description = try string()
                continue
            default: break
            }
            if let role = ColorRole(rawValue: key) {
                if value.stringValue?.lowercased() == "default" { theme.colors[role] = .terminal; continue }
                guard let s = value.stringValue, let c = RGB(hex: s) else {
                    throw fail("bad colour \(shown); expected \"#rrggbb\" (a \"#\" and six hex digits, in quotes) or \"default\"")
                }
                theme.colors[role] = .rgb(c)
                continue
            }
            switch key {
            case "series":
                guard let items = value.arrayValue, !items.isEmpty else {
                    throw fail("expected an array of colours such as [\"#7aa2f7\", \"#9ece6a\"], got \(shown)")
                }
                theme.series = try items.map(hex)
            case "heatmap_low": theme.heatmapLow = try hex(value)
            case "heatmap_mid": theme.heatmapMid = value.stringValue?.lowercased() == "none" ? nil : try hex(value)
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

    /// A TOML syntax error as a theme error: the file and line, the key written on that line
    /// when there is one, and a hint for the commonest slip (a colour without quotes, which TOML
    /// reads as a comment).
    static func syntaxError(_ e: ConfigError, text: String) -> ThemeError {
        var key: String?
        var message = e.message
        if let line = e.line {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if line >= 1 && line <= lines.count {
                let raw = String(lines[line - 1])
                if let eq = raw.firstIndex(of: "=") {
                    let k = String(raw[..<eq]).trimmingWhitespace()
                    if !k.isEmpty && !k.hasPrefix("#") && !k.hasPrefix("[") { key = k }
                    let after = String(raw[raw.index(after: eq)...]).trimmingWhitespace()
                    if after.hasPrefix("#") || (after.first?.isHexDigit == true && !after.hasPrefix("\"")) {
                        message += "; colours are strings in quotes, e.g. \(key ?? "accent") = \"#bb9af7\""
                    }
                }
            }
        }
        return ThemeError(file: e.file, line: e.line, key: key, message: message, column: e.column)
    }
}
