/// One value read from a TOML file, with the line and column where it starts.
///
/// Tables defined by headers (`[a]`) are values too (their line is the header's), and an
/// array of tables (`[[a]]`) is an array whose elements are tables.
public struct TOMLValue: Equatable, Sendable {
    /// What the value is.
    public enum Kind: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    /// 1-based line where the value starts.
    public var line: Int
    /// 1-based column (in Unicode scalars) where the value starts.
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    /// The integer, if this is an integer.
    public var intValue: Int? {
        if case .integer(let i) = kind { return i }
        return nil
    }

    /// The number, if this is a float or an integer.
    public var doubleValue: Double? {
        switch kind {
        case .float(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .boolean(let b) = kind { return b }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [TOMLValue]? {
        if case .array(let a) = kind { return a }
        return nil
    }

    /// The table, if this is a table (inline or from a header).
    public var tableValue: TOMLTable? {
        if case .table(let t) = kind { return t }
        return nil
    }

    /// "a string", "an integer", ... for error messages.
    public var typeName: String {
        switch kind {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// The value written back as TOML (shortened when long), for error messages.
    public var text: String {
        let full = render()
        if full.count <= 60 { return full }
        return String(full.prefix(57)) + "..."
    }

    private func render() -> String {
        switch kind {
        case .string(let s): return TOMLValue.quoted(s)
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .boolean(let b): return b ? "true" : "false"
        case .array(let items): return "[" + items.map { $0.render() }.joined(separator: ", ") + "]"
        case .table(let t):
            if t.keys.isEmpty { return "{}" }
            let pairs = t.keys.map { "\(TOMLValue.renderKey($0)) = \(t.values[$0]!.render())" }
            return "{ " + pairs.joined(separator: ", ") + " }"
        }
    }

    /// A key as TOML writes it: bare when it can be, quoted otherwise.
    static func renderKey(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy(TOMLValue.isBareKeyScalar)
        return bare ? key : quoted(key)
    }

    public static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }

    /// A basic TOML string with the escapes it needs.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
