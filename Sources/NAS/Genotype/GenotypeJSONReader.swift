/// A small JSON reader for genotype files. Unlike JSONDecoder it reports the character where the
/// text goes wrong, and keeps `1.0` (a double) apart from `1` (an int).
struct GenotypeJSONNode {
    indirect enum Kind {
        case object([(key: String, value: GenotypeJSONNode)])
        case array([GenotypeJSONNode])
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case null
    }

    let kind: Kind
    /// 0-based character offset where the value starts.
    let offset: Int

    /// Value of `key` in an object (the last one when repeated).
    subscript(key: String) -> GenotypeJSONNode? {
        if case .object(let fields) = kind { return fields.last(where: { $0.key == key })?.value }
        return nil
    }

    /// A short name of the value's type for messages: "a string", "an array", ...
    var typeName: String {
        switch kind {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let s): return "the string \(genotypeJSONQuoted(s))"
        case .int(let v): return "the number \(v)"
        case .double(let v): return "the number \(v)"
        case .bool(let v): return "\(v)"
        case .null: return "null"
        }
    }

    /// How deep arrays and objects may nest: a genotype needs 4 levels; the limit keeps a
    /// pathological file from overflowing the (engine thread's) stack.
    static let maxDepth = 64

    /// Parses one JSON value covering the whole text.
    static func parse(_ text: String) throws -> GenotypeJSONNode {
        var s = GenotypeScanner(text, context: "genotype JSON")
        let value = try parseValue(&s, depth: 0)
        s.skipWhitespace()
        if !s.atEnd { throw s.error("unexpected text after the JSON value") }
        return value
    }

    private static func parseValue(_ s: inout GenotypeScanner, depth: Int) throws -> GenotypeJSONNode {
        s.skipWhitespace()
        let start = s.pos
        guard let c = s.peek else { throw s.error("expected a JSON value") }
        if c == "{" || c == "[", depth == maxDepth {
            throw s.error("arrays and objects nest more than \(maxDepth) levels deep; a genotype needs 4")
        }
        switch c {
        case "{":
            s.pos += 1
            var fields: [(key: String, value: GenotypeJSONNode)] = []
            if !s.consume("}") {
                while true {
                    s.skipWhitespace()
                    guard s.peek == "\"" else { throw s.error("expected a key in double quotes") }
                    let key = try parseString(&s)
                    try s.expect(":", "':' after the key \(genotypeJSONQuoted(key))")
                    fields.append((key, try parseValue(&s, depth: depth + 1)))
                    if s.consume(",") { continue }
                    try s.expect("}", "',' or '}' in the object")
                    break
                }
            }
            return GenotypeJSONNode(kind: .object(fields), offset: start)
        case "[":
            s.pos += 1
            var items: [GenotypeJSONNode] = []
            if !s.consume("]") {
                while true {
                    items.append(try parseValue(&s, depth: depth + 1))
                    if s.consume(",") { continue }
                    try s.expect("]", "',' or ']' in the array")
                    break
                }
            }
            return GenotypeJSONNode(kind: .array(items), offset: start)
        case "\"":
            return GenotypeJSONNode(kind: .string(try parseString(&s)), offset: start)
        case "t", "f", "n":
            for (word, kind) in [("true", Kind.bool(true)), ("false", .bool(false)), ("null", .null)]
            where s.chars.count >= start + word.count && String(s.chars[start..<(start + word.count)]) == word {
                s.pos += word.count
                return GenotypeJSONNode(kind: kind, offset: start)
            }
            throw s.error("expected a JSON value")
        default:
            guard c == "-" || (c.isASCII && c.isNumber) else { throw s.error("expected a JSON value") }
            while let d = s.peek, d.isASCII, d.isNumber || "+-.eE".contains(d) { s.pos += 1 }
            let token = String(s.chars[start..<s.pos])
            let isInteger = !token.contains(where: { ".eE".contains($0) })
            if isInteger, let v = Int(token) { return GenotypeJSONNode(kind: .int(v), offset: start) }
            if let v = Double(token), token.last!.isNumber { return GenotypeJSONNode(kind: .double(v), offset: start) }
            throw s.error("malformed number", at: start)
        }
    }

    /// A double-quoted JSON string with escapes; the scanner stands on the opening quote.
    private static func parseString(_ s: inout GenotypeScanner) throws -> String {
        let start = s.pos
        s.pos += 1
        var out = ""
        while true {
            guard let c = s.peek, !c.isNewline else { throw s.error("unterminated string", at: start) }
            s.pos += 1
            if c == "\"" { return out }
            guard c == "\\" else { out.append(c); continue }
            guard let e = s.peek else { throw s.error("unterminated string", at: start) }
            s.pos += 1
            switch e {
            case "\"", "\\", "/": out.append(e)
            case "b": out.append("\u{8}")
            case "f": out.append("\u{c}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var code = try hex4(&s)
                if (0xD800..<0xDC00).contains(code), s.peek == "\\", s.pos + 1 < s.chars.count, s.chars[s.pos + 1] == "u" {
                    s.pos += 2
                    let low = try hex4(&s)
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw s.error("invalid \\u escape", at: s.pos - 6) }
                out.unicodeScalars.append(scalar)
            default:
                throw s.error("invalid escape '\\\(e)'", at: s.pos - 2)
            }
        }
    }

    private static func hex4(_ s: inout GenotypeScanner) throws -> UInt32 {
        guard s.pos + 4 <= s.chars.count, let v = UInt32(String(s.chars[s.pos..<(s.pos + 4)]), radix: 16) else {
            throw s.error("expected 4 hex digits after \\u")
        }
        s.pos += 4
        return v
    }
}
