import Foundation

/// One named parameter of a `chain` space, such as `conv1.kernel` or `train.lr`: what kind it
/// is, its domain, where the config declared it and, for layers repeated a searched number of
/// times, the depth at which it is used at all.
///
/// The kinds match Optuna's `suggest_categorical`, `suggest_int(step=, log=)`,
/// `suggest_float(log=)` and NNI's `nni.choice`, plus fixed values.
public struct ChainParameter: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The kind of a parameter, for samplers that treat them differently.
    public enum Kind: String, Codable, Sendable {
        case choice, int, float, fixed
    }

    /// The values a parameter may take.
    public enum Domain: Hashable, Codable, Sendable {
        /// One of these values (all ints, all doubles or all strings; never empty).
        case choice([ChainValue])
        /// `low, low + step, ..., high`; `log` samples log-uniformly (then `step` is 1 and `low` ≥ 1).
        case int(low: Int, high: Int, step: Int, log: Bool)
        /// Any double in `low...high`; `log` samples log-uniformly (then `low` > 0).
        case float(low: Double, high: Double, log: Bool)
        /// Always this value.
        case fixed(ChainValue)
    }

    /// "The parameter is used only when `parameter` (a repeat count) is at least `atLeast`."
    public struct Condition: Hashable, Codable, Sendable {
        public var parameter: String
        public var atLeast: Int

        public init(parameter: String, atLeast: Int) {
            self.parameter = parameter
            self.atLeast = atLeast
        }
    }

    /// Dotted name: `conv1.kernel`, `block.repeat`, `hidden[1].units`, `train.lr`.
    public var name: String
    public var domain: Domain
    /// When set, the parameter only matters if the condition holds (see `isActive(in:)`).
    public var condition: Condition?
    /// The config line that declared the parameter, when it came from a file.
    public var line: Int?

    public init(name: String, domain: Domain, condition: Condition? = nil, line: Int? = nil) {
        self.name = name
        self.domain = domain
        self.condition = condition
        self.line = line
    }

    public var kind: Kind {
        switch domain {
        case .choice: return .choice
        case .int: return .int
        case .float: return .float
        case .fixed: return .fixed
        }
    }

    /// Whether a sampler has anything to choose (false for fixed values and one-value domains).
    public var isSearchable: Bool {
        switch domain {
        case .fixed: return false
        case .choice(let values): return values.count > 1
        case .int(let low, let high, _, _): return low < high
        case .float(let low, let high, _): return low < high
        }
    }

    /// Every value of a finite domain (choice, fixed, int ranges of at most 10,000 values), in
    /// order; nil for float ranges and huge int ranges.
    public var values: [ChainValue]? {
        switch domain {
        case .choice(let values): return values
        case .fixed(let value): return [value]
        case .int(let low, let high, let step, _):
            let count = (high - low) / step + 1
            guard count <= 10_000 else { return nil }
            return (0..<count).map { .int(low + $0 * step) }
        case .float: return nil
        }
    }

    /// The domain in words: "one of 3, 5, 7", "an integer in [4, 128], log scale",
    /// "a float in [0.2, 0.5]", "fixed at relu".
    public var domainDescription: String {
        switch domain {
        case .choice(let values):
            return "one of " + values.map(\.description).joined(separator: ", ")
        case .int(let low, let high, let step, let log):
            return "an integer in [\(low), \(high)]" + (step != 1 ? ", step \(step)" : "") + (log ? ", log scale" : "")
        case .float(let low, let high, let log):
            return "a float in [\(low), \(high)]" + (log ? ", log scale" : "")
        case .fixed(let value):
            return "fixed at \(value)"
        }
    }

    public var description: String { "\(name): \(domainDescription)" }

    /// Whether the parameter matters under `assignment` (its repeat count is large enough).
    public func isActive(in assignment: [String: ChainValue]) -> Bool {
        guard let condition else { return true }
        guard let count = assignment[condition.parameter]?.intValue else { return false }
        return count >= condition.atLeast
    }

    /// Whether `value` lies in the domain (ints are accepted for float domains, integral
    /// doubles for int domains).
    public func contains(_ value: ChainValue) -> Bool { normalized(value) != nil }

    /// `value` in the domain's own type (`.int` for int domains, `.double` for float domains,
    /// the matching choice), or nil when it is outside the domain.
    public func normalized(_ value: ChainValue) -> ChainValue? {
        switch domain {
        case .choice(let values):
            return values.first { $0 == value }
        case .fixed(let fixed):
            return fixed == value ? fixed : nil
        case .int(let low, let high, let step, _):
            guard let v = value.intValue, v >= low, v <= high, (v - low) % step == 0 else { return nil }
            return .int(v)
        case .float(let low, let high, _):
            guard let v = value.doubleValue, v.isFinite, v >= low, v <= high else { return nil }
            return .double(v)
        }
    }

    /// A value drawn from the domain: uniformly from choices and linear ranges, log-uniformly
    /// from log ranges (ints as Optuna does: a log-uniform float in [low-0.5, high+0.5], rounded).
    public func sample(using generator: inout some RandomNumberGenerator) -> ChainValue {
        switch domain {
        case .choice(let values):
            return values[Int.random(in: 0..<values.count, using: &generator)]
        case .fixed(let value):
            return value
        case .int(let low, let high, let step, let log):
            if log && low < high {
                let x = exp(Double.random(in: Foundation.log(Double(low) - 0.5)...Foundation.log(Double(high) + 0.5),
                                          using: &generator))
                return .int(min(max(Int(x.rounded()), low), high))
            }
            return .int(low + Int.random(in: 0...((high - low) / step), using: &generator) * step)
        case .float(let low, let high, let log):
            if log && low < high {
                let x = exp(Double.random(in: Foundation.log(low)...Foundation.log(high), using: &generator))
                return .double(min(max(x, low), high))
            }
            return .double(Double.random(in: low...high, using: &generator))
        }
    }
}
