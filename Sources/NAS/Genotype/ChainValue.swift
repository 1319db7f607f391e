/// A value of one parameter of the layer-wise `chain` space: an integer (kernel size, channels,
/// depth), a real number (dropout, learning rate) or a string (activation, optimizer).
///
/// Numbers compare by value, so `.int(1) == .double(1.0)`: JSON readers (JSONDecoder among them)
/// do not keep `1.0` apart from `1`.
public enum ChainValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)

    /// The integer value: an int, or a double with no fractional part.
    public var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .double(let v): return v.rounded() == v && abs(v) < 9.0e18 ? Int(v) : nil
        case .string: return nil
        }
    }

    /// The numeric value as a double.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .string: return nil
        }
    }

    /// The string value.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Plain text: `3`, `0.001`, `relu`.
    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let s): return s
        }
    }

    /// The value as a JSON literal; doubles keep a decimal point or exponent (`1.0`).
    var jsonLiteral: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? String(v) : genotypeJSONQuoted(String(v))
        case .string(let s): return genotypeJSONQuoted(s)
        }
    }

    public static func == (lhs: ChainValue, rhs: ChainValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.string, _), (_, .string): return false
        case (.int(let a), .int(let b)): return a == b
        default:
            if let a = lhs.intValue, let b = rhs.intValue { return a == b }
            return lhs.doubleValue! == rhs.doubleValue!
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let s): hasher.combine(0); hasher.combine(s)
        default:
            if let i = intValue { hasher.combine(1); hasher.combine(i) } else { hasher.combine(2); hasher.combine(doubleValue!) }
        }
    }
}

extension ChainValue: Codable {
    /// A JSON number or string.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) { self = .int(v); return }
        if let v = try? c.decode(Double.self) { self = .double(v); return }
        if let v = try? c.decode(String.self) { self = .string(v); return }
        throw GenotypeError("genotype JSON at \(genotypeCodingPath(decoder.codingPath)): a chain parameter must be "
            + "a number or a string")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let s): try c.encode(s)
        }
    }
}

/// A JSON string literal for `s`.
func genotypeJSONQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
