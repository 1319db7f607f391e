/// The strategy picker overlay (key s): a highlighted list of strategies, moved with the arrows
/// and taken with enter, or taken at once with its letter.
public struct StrategyPicker: Hashable, Sendable {
    /// One strategy on offer and the letter that picks it.
    public struct Option: Hashable, Sendable {
        public var key: Character
        public var name: String
    }

    public static let options: [Option] = [
        Option(key: "r", name: "random"), Option(key: "e", name: "evolution"),
        Option(key: "t", name: "tpe"), Option(key: "d", name: "darts"),
    ]

    /// The strategy a letter picks (r, e, t, d), nil for other keys.
    public static func strategy(forKey key: Character) -> String? {
        options.first { $0.key == key }?.name
    }

    /// The highlighted row.
    public var index: Int

    /// Opens with the current strategy highlighted.
    public init(current: String) {
        index = Self.options.firstIndex { $0.name == current } ?? 0
    }

    public var selected: String { Self.options[index].name }

    public mutating func move(by delta: Int) {
        let n = Self.options.count
        index = ((index + delta) % n + n) % n
    }

    /// Draws the picker centred in `area`; `current` is marked as the running strategy.
    public func render(into canvas: inout Canvas, area: Rect, current: String) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let lines = Self.options.map { o in
            "\(o.key)  \(o.name)" + (o.name == current ? "  (now)" : "")
        }
        let footer = "enter takes, esc closes"
        let overlay = HelpOverlay(title: "Strategy", lines: lines, footer: footer)
        overlay.render(into: &canvas, area: area)
        // Highlight the chosen row across the overlay's inner width.
        let frame = overlay.frame(in: area)
        let inner = frame.inset(by: 1)
        let y = inner.y + index
        guard index < lines.count, y < inner.maxY - 2 || (y < inner.maxY && inner.height < 3) else { return }
        let row = Rect(x: inner.x, y: y, width: inner.width, height: 1).intersection(area)
        let style = Style(fg: .role(.selectionText), bg: .role(.selection), attrs: .bold)
        canvas.withClip(row) { c in
            for x in row.minX..<row.maxX { c.setStyle(x: x, y: y, style) }
        }
    }
}
