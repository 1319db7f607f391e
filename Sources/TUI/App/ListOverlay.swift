/// A centred box listing choices with one highlighted (the strategy and comparison pickers):
/// the list scrolls to keep the highlight in view when it is longer than the room.
public struct ListOverlay: Widget {
    public var title: String
    public var lines: [String]
    public var footer: String
    /// The highlighted line.
    public var index: Int

    public init(title: String, lines: [String], footer: String, index: Int) {
        self.title = title; self.lines = lines; self.footer = footer; self.index = index
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        // Rows for the list: the overlay's frame less border, blank and footer rows.
        let full = HelpOverlay(title: title, lines: lines, footer: footer)
        let room = max(1, full.frame(in: area).height - 4)
        let first = lines.count <= room ? 0 : min(max(0, index - room / 2), lines.count - room)
        let shown = Array(lines.dropFirst(first).prefix(room))
        let overlay = HelpOverlay(title: title, lines: shown, footer: footer)
        overlay.render(into: &canvas, area: area)
        let frame = overlay.frame(in: area)
        let inner = frame.inset(by: 1)
        let row = index - first
        // The list rows end where the blank row before the footer starts (when there is a footer row).
        let listEnd = inner.height >= 3 ? inner.maxY - 2 : inner.maxY
        let y = inner.y + row
        guard row >= 0, row < shown.count, y < listEnd else { return }
        let r = Rect(x: inner.x, y: y, width: inner.width, height: 1).intersection(area)
        let style = Style(fg: .role(.selectionText), bg: .role(.selection), attrs: .bold)
        canvas.withClip(r) { c in
            for x in r.minX..<r.maxX { c.setStyle(x: x, y: y, style) }
        }
    }
}
