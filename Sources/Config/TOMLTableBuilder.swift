/// A table while the TOML parser fills it in; `build(file:)` turns it into a `TOMLTable`.
final class TOMLTableBuilder {
    /// How the table came to exist; decides what may still be added to it.
    enum Origin: Equatable {
        case root
        /// Opened by a `[a.b]` header.
        case header
        /// One element of a `[[a]]` array of tables.
        case arrayElement
        /// A parent created by a header such as `[a.b]` (here `a`); a later `[a]` may define it.
        case implicit
        /// Created by a dotted key such as `a.b = 1`.
        case dotted
        /// An inline table `{ ... }`.
        case inline
    }

    enum Entry {
        case value(TOMLValue)
        case table(TOMLTableBuilder)
        case tables([TOMLTableBuilder])

        var line: Int {
            switch self {
            case .value(let v): return v.line
            case .table(let t): return t.line
            case .tables(let ts): return ts[0].line
            }
        }
    }

    /// Dotted path for messages ("" for the root), e.g. `layer.units`.
    let displayPath: String
    var origin: Origin
    var line: Int
    var column: Int
    private(set) var keys: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(displayPath: String, origin: Origin, line: Int, column: Int = 1) {
        self.displayPath = displayPath
        self.origin = origin
        self.line = line
        self.column = column
    }

    /// How messages name this table.
    var name: String {
        switch origin {
        case .root: return "the top level"
        case .header, .implicit: return "[\(displayPath)]"
        case .arrayElement: return "[[\(displayPath)]]"
        case .dotted, .inline: return displayPath
        }
    }

    /// "in [space]" or "at the top level".
    var placeText: String { origin == .root ? "at the top level" : "in \(name)" }

    /// The display path of a child key.
    func childPath(_ key: String) -> String {
        let rendered = TOMLValue.renderKey(key)
        return displayPath.isEmpty ? rendered : displayPath + "." + rendered
    }

    func entry(_ key: String) -> Entry? { entries[key] }

    func add(_ key: String, _ entry: Entry) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = entry
    }

    func build(file: String) -> TOMLTable {
        var values: [String: TOMLValue] = [:]
        for key in keys {
            switch entries[key]! {
            case .value(let v):
                values[key] = v
            case .table(let t):
                values[key] = TOMLValue(.table(t.build(file: file)), line: t.line, column: t.column)
            case .tables(let ts):
                let items = ts.map { TOMLValue(.table($0.build(file: file)), line: $0.line, column: $0.column) }
                values[key] = TOMLValue(.array(items), line: ts[0].line, column: ts[0].column)
            }
        }
        return TOMLTable(file: file, name: name, line: line, keys: keys, values: values, isRoot: origin == .root)
    }
}
