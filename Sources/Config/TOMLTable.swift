/// A TOML table: keys in the order the file wrote them, each with its value and line.
///
/// The typed accessors throw a `ConfigError` that names the file, the line and what was
/// expected, so callers can read a config without writing their own messages:
///
///     let space = try doc.table("space")
///     try space.checkKeys(allowed: ["name", "head"])
///     let name = try space.string("name")
public struct TOMLTable: Equatable, Sendable {
    /// The file the table was read from.
    public var file: String
    /// How messages name the table: `[space]`, `[[layer]]`, `layer.units` (an inline or
    /// dotted-key table), or `the top level`.
    public var name: String
    /// The line of the table's header (or of its opening brace; 1 for the top level).
    public var line: Int
    /// The keys, in the order they appear in the file.
    public private(set) var keys: [String]
    /// The values by key.
    public private(set) var values: [String: TOMLValue]
    /// Whether this is the document's top level.
    public var isRoot: Bool

    public init(file: String, name: String, line: Int, keys: [String], values: [String: TOMLValue], isRoot: Bool = false) {
        self.file = file
        self.name = name
        self.line = line
        self.keys = keys
        self.values = values
        self.isRoot = isRoot
    }

    /// The value for `key`, if present.
    public subscript(key: String) -> TOMLValue? { values[key] }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// "in [space]" or "at the top level", for messages.
    public var placeText: String { isRoot ? "at the top level" : "in \(name)" }

    /// An error at `value` (or at the table's header when `value` is nil).
    public func error(_ message: String, at value: TOMLValue? = nil) -> ConfigError {
        if let value { return ConfigError(file: file, line: value.line, column: value.column, message: message) }
        return ConfigError(file: file, line: isRoot ? nil : line, message: message)
    }

    /// Throws "FILE:LINE: unknown key 'foo' in [section]; accepted: a, b, c" for the first key
    /// (in file order) that is not in `allowed`.
    public func checkKeys(allowed: Set<String>) throws {
        for key in keys where !allowed.contains(key) {
            let value = values[key]!
            let accepted = allowed.sorted().joined(separator: ", ")
            throw ConfigError(file: file, line: value.line,
                              message: "unknown key '\(key)' \(placeText); accepted: \(accepted)")
        }
    }

    /// The value for `key`; throws naming the table when it is missing.
    public func value(_ key: String, expected: String = "a value") throws -> TOMLValue {
        guard let v = values[key] else {
            throw error("missing key '\(key)' \(placeText); expected \(expected)")
        }
        return v
    }

    private func typeError(_ key: String, _ v: TOMLValue, expected: String) -> ConfigError {
        error("'\(key)' must be \(expected); found \(v.typeName) \(v.text)", at: v)
    }

    /// The string for `key`.
    public func string(_ key: String) throws -> String {
        let v = try value(key, expected: "a string")
        guard let s = v.stringValue else { throw typeError(key, v, expected: "a string in quotes") }
        return s
    }

    /// The string for `key` read as one of `T`'s names; throws naming the line and the accepted names.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, of type: T.Type) throws -> T where T.RawValue == String {
        let v = try value(key, expected: "a string")
        let accepted = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard let s = v.stringValue else { throw typeError(key, v, expected: "one of \(accepted), in quotes") }
        guard let chosen = T(rawValue: s) else { throw error("\(key) '\(s)'; accepted: \(accepted)", at: v) }
        return chosen
    }

    /// The integer for `key` (a float is an error, even 3.0).
    public func int(_ key: String) throws -> Int {
        let v = try value(key, expected: "an integer")
        guard let i = v.intValue else { throw typeError(key, v, expected: "an integer") }
        return i
    }

    /// The number for `key`; integers are accepted as floats.
    public func double(_ key: String) throws -> Double {
        let v = try value(key, expected: "a number")
        guard let d = v.doubleValue else { throw typeError(key, v, expected: "a number") }
        return d
    }

    /// The boolean for `key`.
    public func bool(_ key: String) throws -> Bool {
        let v = try value(key, expected: "true or false")
        guard let b = v.boolValue else { throw typeError(key, v, expected: "true or false") }
        return b
    }

    /// The array for `key`.
    public func array(_ key: String) throws -> [TOMLValue] {
        let v = try value(key, expected: "an array [...]")
        guard let a = v.arrayValue else { throw typeError(key, v, expected: "an array [...]") }
        return a
    }

    /// The table for `key` (a `[key]` section or an inline table).
    public func table(_ key: String) throws -> TOMLTable {
        let v = try value(key, expected: "a table [\(key)]")
        guard let t = v.tableValue else { throw typeError(key, v, expected: "a table") }
        return t
    }

    /// The tables for `key`: an array of tables (`[[key]]` sections or `[{...}, {...}]`).
    public func tables(_ key: String) throws -> [TOMLTable] {
        let v = try value(key, expected: "an array of tables [[\(key)]]")
        guard let a = v.arrayValue else { throw typeError(key, v, expected: "an array of tables [[\(key)]]") }
        return try a.map { item in
            guard let t = item.tableValue else {
                throw error("'\(key)' must hold only tables; found \(item.typeName) \(item.text)", at: item)
            }
            return t
        }
    }

    /// The string for `key`, or `defaultValue` when the key is absent.
    public func string(_ key: String, default defaultValue: String) throws -> String {
        contains(key) ? try string(key) : defaultValue
    }

    /// The integer for `key`, or `defaultValue` when the key is absent.
    public func int(_ key: String, default defaultValue: Int) throws -> Int {
        contains(key) ? try int(key) : defaultValue
    }

    /// The number for `key`, or `defaultValue` when the key is absent.
    public func double(_ key: String, default defaultValue: Double) throws -> Double {
        contains(key) ? try double(key) : defaultValue
    }

    /// The boolean for `key`, or `defaultValue` when the key is absent.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        contains(key) ? try bool(key) : defaultValue
    }

    /// The table for `key`, or nil when the key is absent.
    public func tableIfPresent(_ key: String) throws -> TOMLTable? {
        contains(key) ? try table(key) : nil
    }

    /// The tables for `key`, or an empty list when the key is absent.
    public func tablesIfPresent(_ key: String) throws -> [TOMLTable] {
        contains(key) ? try tables(key) : []
    }
}
