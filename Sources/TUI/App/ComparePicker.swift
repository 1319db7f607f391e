/// The comparison picker (key C): the storage's other studies, and "none"; enter overlays the
/// chosen study's best-so-far curve on the Fitness pane (or removes the overlay).
public struct ComparePicker: Hashable, Sendable {
    /// Study names; nil stands for "no comparison".
    public private(set) var options: [String?]
    public private(set) var index: Int

    /// Opens on `studies`, highlighting the study compared now (or the first study).
    public init(studies: [String], current: String?) {
        options = [nil] + studies.map { Optional($0) }
        if let current, let i = options.firstIndex(of: current) { index = i } else { index = min(1, options.count - 1) }
    }

    public var selected: String? { options[index] }

    public mutating func move(by delta: Int) {
        let n = options.count
        index = ((index + delta) % n + n) % n
    }

    public func render(into canvas: inout Canvas, area: Rect, current: String?) {
        let lines = options.map { o in (o ?? "none (no comparison)") + (o == current ? "  (now)" : "") }
        ListOverlay(title: "Compare with", lines: lines, footer: "enter takes, esc closes", index: index)
            .render(into: &canvas, area: area)
    }
}
