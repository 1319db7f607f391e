import Foundation

/// A TOML document read by our own parser, so that every value and every error carries
/// its line.
///
/// Supported: `#` comments; `key = value` with bare, quoted and dotted keys; tables `[a]`,
/// `[a.b]`; arrays of tables `[[a]]`; basic strings with escapes (`"..."`, `"""..."""`),
/// literal strings (`'...'`, `'''...'''`); integers (sign, `_` separators, `0x`/`0o`/`0b`);
/// floats (`0.5`, `1e-3`, `-2.5E+4`); booleans; arrays (multi-line, nested, trailing comma,
/// comments inside); inline tables `{ a = 1, b = "x" }` (which, as in TOML 1.1, may span lines
/// and end with a comma). Not supported: dates and times, `inf` and `nan`.
/// Duplicate keys and tables are errors.
public struct TOMLDocument: Equatable, Sendable {
    /// The path given by the caller; every error names it.
    public let file: String
    /// The top-level table.
    public let root: TOMLTable

    /// Parses `text`; `file` is the path errors name.
    public init(parsing text: String, file: String) throws {
        self.file = file
        var parser = TOMLParser(text: text, file: file)
        self.root = try parser.parseDocument()
    }

    /// Reads and parses the file at `path`.
    public init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(file: path, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the file is not valid UTF-8 text")
        }
        try self.init(parsing: text, file: path)
    }

    /// The top-level keys, in file order.
    public var keys: [String] { root.keys }

    /// The top-level value for `key`, if present.
    public subscript(key: String) -> TOMLValue? { root[key] }

    /// Throws "FILE:LINE: unknown key 'foo' in [section]; accepted: a, b, c" for the first key
    /// of `table` that is not in `allowed`.
    public func checkKeys(allowed: Set<String>, in table: TOMLTable) throws {
        try table.checkKeys(allowed: allowed)
    }

    /// Checks the top-level keys (table names and top-level values).
    public func checkKeys(allowed: Set<String>) throws {
        try root.checkKeys(allowed: allowed)
    }

    public func string(_ key: String) throws -> String { try root.string(key) }
    public func int(_ key: String) throws -> Int { try root.int(key) }
    public func double(_ key: String) throws -> Double { try root.double(key) }
    public func bool(_ key: String) throws -> Bool { try root.bool(key) }
    public func array(_ key: String) throws -> [TOMLValue] { try root.array(key) }
    public func table(_ key: String) throws -> TOMLTable { try root.table(key) }
    public func tables(_ key: String) throws -> [TOMLTable] { try root.tables(key) }
}
