/// A character cursor for the genotype text formats: whitespace skipping, expectations and error
/// messages that give the character position (1-based) and quote what was found there.
///
/// It steps through Unicode scalars (each held as a one-scalar `Character`), not grapheme
/// clusters: a prepended mark such as U+06DD joins the character after it into one cluster, so
/// scanning clusters read `"\u{6DD}\\n"` as a literal backslash and an escape and did not
/// find a quote that closes a string after such a mark.
struct GenotypeScanner {
    let chars: [Character]
    var pos = 0
    /// Prefix for every message, e.g. "DARTS string".
    let context: String

    init(_ text: String, context: String) {
        chars = text.unicodeScalars.map(Character.init)
        self.context = context
    }

    var atEnd: Bool { pos >= chars.count }
    var peek: Character? { pos < chars.count ? chars[pos] : nil }

    mutating func skipWhitespace() {
        while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
    }

    /// Skips whitespace, then consumes `c` if it comes next.
    mutating func consume(_ c: Character) -> Bool {
        skipWhitespace()
        if peek == c { pos += 1; return true }
        return false
    }

    mutating func expect(_ c: Character, _ what: String? = nil) throws {
        if !consume(c) { throw error("expected \(what ?? "'\(c)'")") }
    }

    /// A Python identifier, or nil (consuming nothing) when none comes next.
    mutating func identifier() -> String? {
        skipWhitespace()
        let start = pos
        while pos < chars.count, chars[pos] == "_" || chars[pos].isLetter || (pos > start && chars[pos].isNumber) {
            pos += 1
        }
        return pos > start ? String(chars[start..<pos]) : nil
    }

    /// An optionally signed decimal integer.
    mutating func integer(_ what: String) throws -> Int {
        skipWhitespace()
        let start = pos
        if peek == "-" || peek == "+" { pos += 1 }
        while let c = peek, c.isASCII, c.isNumber { pos += 1 }
        guard let value = Int(String(chars[start..<pos])) else {
            pos = start
            throw error("expected \(what) (an integer)")
        }
        return value
    }

    /// A string in single or double quotes (no escapes are needed by op names).
    mutating func quoted(_ what: String) throws -> (text: String, offset: Int) {
        skipWhitespace()
        guard let quote = peek, quote == "'" || quote == "\"" else { throw error("expected \(what) in quotes") }
        let start = pos
        pos += 1
        while let c = peek, c != quote, !c.isNewline { pos += 1 }
        guard peek == quote else {
            pos = start
            throw error("unterminated string")
        }
        pos += 1
        return (String(chars[(start + 1)..<(pos - 1)]), start)
    }

    /// What the text holds at `offset`, quoted (a short excerpt), or "the end of the text".
    func found(at offset: Int) -> String {
        if offset >= chars.count { return "the end of the text (is it truncated?)" }
        let end = min(chars.count, offset + 20)
        let excerpt = String(chars[offset..<end]).genotypeOneLine()
        return "\"\(excerpt)\(end < chars.count ? "…" : "")\""
    }

    /// "<context>: <problem> at character N, found "..."".
    func error(_ problem: String, at offset: Int? = nil) -> GenotypeError {
        let at = offset ?? pos
        return GenotypeError("\(context): \(problem) at character \(at + 1), found \(found(at: at))", offset: at)
    }

    /// "<context>: <problem> (at character N)", for errors about text already read.
    func error(about problem: String, at offset: Int) -> GenotypeError {
        GenotypeError("\(context): \(problem) (at character \(offset + 1))", offset: offset)
    }
}

extension String {
    func genotypeOneLine() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
