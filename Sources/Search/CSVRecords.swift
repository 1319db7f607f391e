/// A minimal RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas,
/// quotes (doubled) and line breaks; CRLF and LF line ends; a leading byte-order mark is
/// dropped; blank lines are skipped. Each record keeps the 1-based line it starts on.
enum CSVRecords {
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// The records of `text`; `file` names the source in errors.
    static func parse(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, quotedLine = 0
        var fieldStarted = false
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        if let first = chars.next(), first != "\u{FEFF}" { pending = first }

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].allSatisfy({ $0 == " " || $0 == "\t" })) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldStarted = false
        }

        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted || field.allSatisfy({ $0 == " " }):
                field = ""
                inQuotes = true
                quotedLine = line
                fieldStarted = true
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                if !fieldStarted { fieldStarted = true }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes {
            throw SearchError("\(file):\(quotedLine): a quoted field is never closed; end it with '\"' "
                + "(write a quote inside a quoted field as '\"\"')")
        }
        if fieldStarted || !fields.isEmpty || !field.isEmpty { endRecord() }
        return records
    }
}
