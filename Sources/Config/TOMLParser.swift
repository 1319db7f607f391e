/// The TOML reader behind `TOMLDocument`: statements, headers, keys, arrays and inline
/// tables. Strings and numbers are in `TOMLScalarParsing.swift`.
struct TOMLParser {
    let file: String
    let s: [Unicode.Scalar]
    var i = 0
    var line = 1
    var lineStart = 0
    /// How many arrays and inline tables enclose the current position.
    var depth = 0
    /// The deepest nesting accepted: far beyond any config, and it keeps a pathological file
    /// from overflowing the stack.
    static let maxDepth = 64

    init(text: String, file: String) {
        self.file = file
        self.s = Array(text.unicodeScalars)
    }

    // MARK: Position and errors

    var column: Int { i - lineStart + 1 }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    mutating func advance() {
        if s[i] == "\n" { line += 1; lineStart = i + 1 }
        i += 1
    }

    func fail(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, column: column, message: message)
    }

    func fail(_ message: String, line: Int, column: Int) -> ConfigError {
        ConfigError(file: file, line: line, column: column, message: message)
    }

    /// What is at the current position, quoted, for "found ..." in messages.
    func found() -> String {
        guard peek() != nil else { return "the end of the file" }
        if atNewline { return "the end of the line" }
        var j = i
        var text = ""
        while j < s.count, s[j] != "\n", s[j] != "\r", text.unicodeScalars.count < 30 {
            text.unicodeScalars.append(s[j])
            j += 1
        }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return "'\(text)'"
    }

    // MARK: Whitespace, comments, line ends

    var atNewline: Bool { peek() == "\n" || (peek() == "\r" && peek(1) == "\n") }

    mutating func skipNewline() {
        if peek() == "\r" { advance() }
        advance()
    }

    mutating func skipSpaces() {
        while let c = peek(), c == " " || c == "\t" { advance() }
    }

    mutating func skipComment() {
        guard peek() == "#" else { return }
        while peek() != nil, !atNewline { advance() }
    }

    /// Spaces, comments and newlines: between statements, inside arrays and inline tables.
    mutating func skipTrivia() {
        while true {
            skipSpaces()
            skipComment()
            if atNewline { skipNewline() } else { return }
        }
    }

    mutating func expectEndOfLine(after what: String) throws {
        skipSpaces()
        skipComment()
        if peek() == nil { return }
        if atNewline { skipNewline(); return }
        throw fail("unexpected \(found()) after \(what); expected the end of the line or a # comment")
    }

    // MARK: Document

    mutating func parseDocument() throws -> TOMLTable {
        if peek() == "\u{FEFF}" { i += 1; lineStart = i }
        let root = TOMLTableBuilder(displayPath: "", origin: .root, line: 1)
        var current = root
        while true {
            skipTrivia()
            guard peek() != nil else { break }
            if peek() == "[" {
                current = try parseHeader(root: root)
            } else {
                try parseKeyValue(into: current)
                try expectEndOfLine(after: "the value")
            }
        }
        return root.build(file: file)
    }

    // MARK: Keys

    mutating func parseKeyPath() throws -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try parseSimpleKey())
            skipSpaces()
            guard peek() == "." else { return parts }
            advance()
        }
    }

    mutating func parseSimpleKey() throws -> String {
        switch peek() {
        case "\"": return try parseBasicString()
        case "'": return try parseLiteralString()
        default:
            let l = line, c = column
            var key = ""
            while let ch = peek(), TOMLValue.isBareKeyScalar(ch) {
                key.unicodeScalars.append(ch)
                advance()
            }
            if key.isEmpty {
                throw fail("expected a key (letters, digits, '_' or '-', or a quoted string); found \(found())",
                           line: l, column: c)
            }
            return key
        }
    }

    static func display(_ path: some Sequence<String>) -> String {
        path.map(TOMLValue.renderKey).joined(separator: ".")
    }

    // MARK: Headers

    /// Reads `[a.b]` or `[[a.b]]` and returns the table that following keys go into.
    mutating func parseHeader(root: TOMLTableBuilder) throws -> TOMLTableBuilder {
        let l = line, c = column
        advance()
        let isArray = peek() == "["
        if isArray { advance() }
        let path = try parseKeyPath()
        if peek() == "]", !isArray || peek(1) == "]" {
            advance()
            if isArray { advance() }
        } else {
            throw fail("expected '\(isArray ? "]]" : "]")' to close the table header; found \(found())")
        }
        try expectEndOfLine(after: "the table header")

        let shown = TOMLParser.display(path)
        var table = root
        for (n, key) in path.dropLast().enumerated() {
            switch table.entry(key) {
            case nil:
                let t = TOMLTableBuilder(displayPath: TOMLParser.display(path[...n]), origin: .implicit, line: l, column: c)
                table.add(key, .table(t))
                table = t
            case .table(let t)?:
                table = t
            case .tables(let ts)?:
                table = ts[ts.count - 1]
            case .value(let v)?:
                throw fail("cannot open [\(shown)]: '\(TOMLParser.display(path[...n]))' is already a value (line \(v.line))",
                           line: l, column: c)
            }
        }
        let last = path[path.count - 1]
        switch (table.entry(last), isArray) {
        case (nil, false):
            let t = TOMLTableBuilder(displayPath: shown, origin: .header, line: l, column: c)
            table.add(last, .table(t))
            return t
        case (nil, true):
            let t = TOMLTableBuilder(displayPath: shown, origin: .arrayElement, line: l, column: c)
            table.add(last, .tables([t]))
            return t
        case (.tables(var ts)?, true):
            let t = TOMLTableBuilder(displayPath: shown, origin: .arrayElement, line: l, column: c)
            ts.append(t)
            table.add(last, .tables(ts))
            return t
        case (.table(let t)?, false):
            switch t.origin {
            case .implicit:
                t.origin = .header
                t.line = l
                t.column = c
                return t
            case .dotted:
                throw fail("duplicate table [\(shown)]: it is already defined by dotted keys at line \(t.line)",
                           line: l, column: c)
            default:
                throw fail("duplicate table [\(shown)]: it is already defined at line \(t.line)", line: l, column: c)
            }
        case (.table(let t)?, true):
            throw fail("[[\(shown)]] conflicts with the table [\(shown)] at line \(t.line)", line: l, column: c)
        case (.tables(let ts)?, false):
            throw fail("[\(shown)] conflicts with the array of tables [[\(shown)]] at line \(ts[0].line); write [[\(shown)]] to add an element",
                       line: l, column: c)
        case (.value(let v)?, _):
            throw fail("duplicate key '\(shown)': it is already defined as a value at line \(v.line)", line: l, column: c)
        }
    }

    // MARK: Key/value pairs

    mutating func parseKeyValue(into table: TOMLTableBuilder) throws {
        let l = line, c = column
        let path = try parseKeyPath()
        let shown = TOMLParser.display(path)
        guard peek() == "=" else {
            throw fail("expected '=' after the key '\(shown)'; found \(found())")
        }
        advance()
        skipSpaces()
        let context = table.displayPath.isEmpty ? shown : table.displayPath + "." + shown
        let value = try parseValue(context: context)

        var target = table
        for key in path.dropLast() {
            switch target.entry(key) {
            case nil:
                let t = TOMLTableBuilder(displayPath: target.childPath(key), origin: .dotted, line: l, column: c)
                target.add(key, .table(t))
                target = t
            case .table(let t)?:
                if t.origin == .header {
                    throw fail("cannot add '\(shown)' with a dotted key: [\(t.displayPath)] has its own header at line \(t.line); put the key there",
                               line: l, column: c)
                }
                target = t
            case .tables(let ts)?:
                throw fail("cannot add '\(shown)' with a dotted key: '\(key)' is an array of tables (line \(ts[0].line))",
                           line: l, column: c)
            case .value(let v)?:
                throw fail("cannot add '\(shown)': '\(key)' is already defined as a value at line \(v.line)",
                           line: l, column: c)
            }
        }
        let last = path[path.count - 1]
        if let existing = target.entry(last) {
            throw fail("duplicate key '\(shown)' \(table.placeText); it was first defined at line \(existing.line)",
                       line: l, column: c)
        }
        target.add(last, .value(value))
    }

    // MARK: Values

    mutating func parseValue(context: String) throws -> TOMLValue {
        let l = line, c = column
        guard let ch = peek() else { throw fail("expected a value; found the end of the file") }
        switch ch {
        case "\"":
            let text = (peek(1) == "\"" && peek(2) == "\"") ? try parseMultilineString(quote: "\"") : try parseBasicString()
            return TOMLValue(.string(text), line: l, column: c)
        case "'":
            let text = (peek(1) == "'" && peek(2) == "'") ? try parseMultilineString(quote: "'") : try parseLiteralString()
            return TOMLValue(.string(text), line: l, column: c)
        case "[":
            return try parseArray(context: context)
        case "{":
            return try parseInlineTable(context: context)
        default:
            let token = readToken()
            if token.isEmpty { throw fail("expected a value; found \(found())") }
            if token == "true" { return TOMLValue(.boolean(true), line: l, column: c) }
            if token == "false" { return TOMLValue(.boolean(false), line: l, column: c) }
            if let first = token.unicodeScalars.first, first == "+" || first == "-" || first == "." || ("0"..."9").contains(first) {
                return TOMLValue(try parseNumber(token, line: l, column: c), line: l, column: c)
            }
            if token == "inf" || token == "nan" {
                throw fail("'\(token)' is not supported; write a finite number such as 1e300", line: l, column: c)
            }
            throw fail("invalid value '\(token)'; expected a string in quotes, a number, true or false, an array [...] or an inline table { ... }",
                       line: l, column: c)
        }
    }

    /// One level deeper into arrays and inline tables, or an error past `maxDepth`.
    mutating func enterNesting() throws {
        if depth == TOMLParser.maxDepth {
            throw fail("arrays and inline tables nest more than \(TOMLParser.maxDepth) levels deep here; flatten the value")
        }
        depth += 1
    }

    mutating func parseArray(context: String) throws -> TOMLValue {
        let l = line, c = column
        try enterNesting()
        defer { depth -= 1 }
        advance()
        var items: [TOMLValue] = []
        while true {
            skipTrivia()
            guard let ch = peek() else { throw fail("unterminated array; close it with ']'", line: l, column: c) }
            if ch == "]" { advance(); break }
            items.append(try parseValue(context: "\(context)[\(items.count)]"))
            skipTrivia()
            guard let next = peek() else { throw fail("unterminated array; close it with ']'", line: l, column: c) }
            if next == "," { advance(); continue }
            if next == "]" { advance(); break }
            throw fail("expected ',' or ']' in the array that starts at line \(l); found \(found())")
        }
        return TOMLValue(.array(items), line: l, column: c)
    }

    mutating func parseInlineTable(context: String) throws -> TOMLValue {
        let l = line, c = column
        try enterNesting()
        defer { depth -= 1 }
        advance()
        let builder = TOMLTableBuilder(displayPath: context, origin: .inline, line: l, column: c)
        while true {
            skipTrivia()
            guard let ch = peek() else { throw fail("unterminated inline table; close it with '}'", line: l, column: c) }
            if ch == "}" { advance(); break }
            try parseKeyValue(into: builder)
            skipTrivia()
            guard let next = peek() else { throw fail("unterminated inline table; close it with '}'", line: l, column: c) }
            if next == "," { advance(); continue }
            if next == "}" { advance(); break }
            throw fail("expected ',' or '}' in the inline table that starts at line \(l); found \(found())")
        }
        return TOMLValue(.table(builder.build(file: file)), line: l, column: c)
    }
}
