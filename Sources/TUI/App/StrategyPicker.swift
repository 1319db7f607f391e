/// The strategy picker overlay (key s): the strategies the study's space allows, moved with the
/// arrows and taken with enter, or taken at once with a letter (r, e, t, d, h).
public struct StrategyPicker: Hashable, Sendable {
    /// One strategy on offer and the letter that picks it.
    public struct Option: Hashable, Sendable {
        public var key: Character?
        public var name: String
    }

    /// The letter of each strategy the engine knows.
    public static let letters: [(key: Character, name: String)] = [
        ("r", "random"), ("e", "evolution"), ("t", "tpe"), ("d", "darts"), ("h", "hyperband"),
    ]

    /// The strategy a letter names (r, e, t, d, h), nil for other keys; whether the study allows
    /// it is checked when it is picked.
    public static func strategy(forKey key: Character) -> String? {
        letters.first { $0.key == key }?.name
    }

    public private(set) var options: [Option]
    /// The highlighted row.
    public private(set) var index: Int

    /// Opens on `available` (the snapshot's `strategies`), the current strategy highlighted.
    public init(current: String, available: [String] = ["random", "evolution", "tpe", "darts"]) {
        let names = available.isEmpty ? [current] : available
        options = names.map { n in Option(key: Self.letters.first { $0.name == n }?.key, name: n) }
        index = options.firstIndex { $0.name == current } ?? 0
    }

    public var selected: String { options[index].name }

    public mutating func move(by delta: Int) {
        let n = options.count
        index = ((index + delta) % n + n) % n
    }

    /// Draws the picker centred in `area`; `current` is marked as the running strategy.
    public func render(into canvas: inout Canvas, area: Rect, current: String) {
        let lines = options.map { o in
            "\(o.key.map(String.init) ?? " ")  \(o.name)" + (o.name == current ? "  (now)" : "")
        }
        ListOverlay(title: "Strategy", lines: lines, footer: "enter takes, esc closes", index: index)
            .render(into: &canvas, area: area)
    }
}
