/// Strings and numbers for the TOML parser.
extension TOMLParser {
    // MARK: Strings

    /// `"..."`; the position is at the opening quote.
    mutating func parseBasicString() throws -> String {
        let l = line, c = column
        advance()
        var out = ""
        while true {
            guard let ch = peek(), !atNewline else {
                throw fail("unterminated string; close it with \" before the end of the line", line: l, column: c)
            }
            advance()
            if ch == "\"" { return out }
            if ch == "\\" {
                out.unicodeScalars.append(try parseEscape(stringLine: l, stringColumn: c))
            } else {
                out.unicodeScalars.append(ch)
            }
        }
    }

    /// `'...'`: no escapes.
    mutating func parseLiteralString() throws -> String {
        let l = line, c = column
        advance()
        var out = ""
        while true {
            guard let ch = peek(), !atNewline else {
                throw fail("unterminated string; close it with ' before the end of the line", line: l, column: c)
            }
            advance()
            if ch == "'" { return out }
            out.unicodeScalars.append(ch)
        }
    }

    /// `"""..."""` (escapes; a backslash at the end of a line joins it to the next non-blank
    /// text) or, with `quote` `'`, `'''...'''` (no escapes). Up to two quotes right before the
    /// closing three belong to the string.
    mutating func parseMultilineString(quote: Unicode.Scalar) throws -> String {
        let l = line, c = column
        let escapes = quote == "\""
        advance(); advance(); advance()
        if atNewline { skipNewline() }
        var out = ""
        while true {
            guard let ch = peek() else {
                throw fail("unterminated multi-line string; close it with \(String(repeating: String(quote), count: 3))", line: l, column: c)
            }
            if ch == quote, peek(1) == quote, peek(2) == quote {
                advance(); advance(); advance()
                var extra = 0
                while peek() == quote, extra < 2 { out.unicodeScalars.append(quote); advance(); extra += 1 }
                return out
            }
            advance()
            guard escapes, ch == "\\" else { out.unicodeScalars.append(ch); continue }
            var j = i
            while j < s.count, s[j] == " " || s[j] == "\t" { j += 1 }
            if j < s.count, s[j] == "\n" || (s[j] == "\r" && j + 1 < s.count && s[j + 1] == "\n") {
                while let w = peek(), w == " " || w == "\t" || w == "\n" || w == "\r" { advance() }
            } else {
                out.unicodeScalars.append(try parseEscape(stringLine: l, stringColumn: c))
            }
        }
    }

    /// The character after a backslash (the position is just past the backslash).
    mutating func parseEscape(stringLine: Int, stringColumn: Int) throws -> Unicode.Scalar {
        let l = line, c = column - 1
        guard let e = peek(), !atNewline else {
            throw fail("unterminated string; close it with \" before the end of the line",
                       line: stringLine, column: stringColumn)
        }
        advance()
        switch e {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "e": return "\u{1B}"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = e == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let h = peek(), h.properties.isASCIIHexDigit else {
                    throw fail("invalid escape: \\\(e) needs \(count) hex digits", line: l, column: c)
                }
                hex.unicodeScalars.append(h)
                advance()
            }
            guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                throw fail("invalid escape \\\(e)\(hex): not a Unicode scalar value", line: l, column: c)
            }
            return scalar
        default:
            throw fail("invalid escape '\\\(e)'; accepted: \\b \\t \\n \\f \\r \\e \\\" \\\\ \\uXXXX \\UXXXXXXXX",
                       line: l, column: c)
        }
    }

    // MARK: Numbers and bare words

    /// A bare value: everything up to whitespace or a delimiter.
    mutating func readToken() -> String {
        var token = ""
        while let ch = peek() {
            switch ch {
            case " ", "\t", "\n", "\r", ",", "]", "[", "}", "{", "#", "=", "\"", "'": return token
            default:
                token.unicodeScalars.append(ch)
                advance()
            }
        }
        return token
    }

    func parseNumber(_ token: String, line l: Int, column c: Int) throws -> TOMLValue.Kind {
        func bad(_ why: String? = nil) -> ConfigError {
            let reason = why.map { " (\($0))" } ?? ""
            return fail("invalid number '\(token)'\(reason); expected an integer such as 42, -7 or 1_000, or a float such as 0.5, -2.0 or 1e-3",
                        line: l, column: c)
        }
        let u = Array(token.unicodeScalars)
        func isDigit(_ k: Int) -> Bool { k < u.count && ("0"..."9").contains(u[k]) }
        if (u.count >= 10 && (0..<4).allSatisfy(isDigit) && u[4] == "-" && isDigit(5) && isDigit(6) && u[7] == "-")
            || (u.count >= 5 && isDigit(0) && isDigit(1) && u[2] == ":") {
            throw fail("dates and times are not supported ('\(token)'); write the value as a string in quotes",
                       line: l, column: c)
        }

        var body = Substring(token)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        if body == "inf" || body == "nan" {
            throw fail("'\(token)' is not supported; write a finite number such as 1e300", line: l, column: c)
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            if body.count != token.count { throw bad("a sign is not allowed with \(prefix)") }
            guard let digits = TOMLParser.stripUnderscores(body.dropFirst(2), radix: radix),
                  let value = Int(digits, radix: radix) else { throw bad() }
            return .integer(value)
        }

        var mantissa = body
        var exponent: Substring?
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<e]
            exponent = body[body.index(after: e)...]
        }
        var integerPart = mantissa
        var fraction: Substring?
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        guard let intDigits = TOMLParser.stripUnderscores(integerPart, radix: 10) else {
            throw bad(integerPart.isEmpty && fraction != nil ? "digits are needed before the decimal point" : nil)
        }
        if intDigits.count > 1, intDigits.hasPrefix("0") { throw bad("leading zeros are not allowed") }
        var fracDigits: String?
        if let fraction {
            guard let f = TOMLParser.stripUnderscores(fraction, radix: 10) else {
                throw bad(fraction.isEmpty ? "digits are needed after the decimal point" : nil)
            }
            fracDigits = f
        }
        var expText: String?
        if var exponent {
            var expSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                expSign = first == "-" ? "-" : ""
                exponent = exponent.dropFirst()
            }
            guard let digits = TOMLParser.stripUnderscores(exponent, radix: 10) else { throw bad() }
            expText = expSign + digits
        }
        let sign = negative ? "-" : ""
        if fracDigits == nil, expText == nil {
            guard let value = Int(sign + intDigits) else {
                throw fail("integer '\(token)' is out of range; integers must lie within ±9223372036854775807",
                           line: l, column: c)
            }
            return .integer(value)
        }
        var text = sign + intDigits
        if let fracDigits { text += "." + fracDigits }
        if let expText { text += "e" + expText }
        guard let value = Double(text), value.isFinite else {
            throw fail("float '\(token)' is out of range", line: l, column: c)
        }
        return .float(value)
    }

    /// Digits with single underscores between them (never at either end), without the
    /// underscores; nil when the text breaks these rules or has other characters.
    static func stripUnderscores(_ text: Substring, radix: Int) -> String? {
        var out = ""
        var previousWasDigit = false
        for ch in text.unicodeScalars {
            if ch == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard let value = Int(String(ch), radix: radix), value < radix else { return nil }
            out.unicodeScalars.append(ch)
            previousWasDigit = true
        }
        return previousWasDigit ? out : nil
    }
}
