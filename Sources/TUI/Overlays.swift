/// A one-row bar of styled segments, some on the left, some right-aligned.
public struct StatusBar: Widget {
    /// A piece of text with its own style.
    public struct Segment: Sendable {
        public var text: String
        public var style: Style?
        public init(_ text: String, style: Style? = nil) { self.text = text; self.style = style }
    }

    public var left: [Segment]
    public var right: [Segment]
    public var style = Style(fg: .role(.statusForeground), bg: .role(.statusBackground))
    /// Text between segments.
    public var separator = "  "

    public init(left: [Segment], right: [Segment] = []) { self.left = left; self.right = right }

    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let row = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        let base = style
        canvas.withClip(row) { c in
            c.fill(row, with: Cell(" ", style: base))
            // Right segments first: they are the short, fixed ones (clock, counts).
            let rightText = right.map(\.text).joined(separator: separator)
            var rightStart = row.maxX
            if !right.isEmpty, rightText.count + 1 < row.width {
                rightStart = row.maxX - rightText.count - 1
                var x = rightStart
                for (i, s) in right.enumerated() {
                    if i > 0 { x = c.put(separator, x: x, y: row.y, style: base) }
                    x = c.put(s.text, x: x, y: row.y, style: merged(s.style))
                }
            }
            // Left segments, truncated before the right ones.
            let room = rightStart - row.x - 1
            guard room > 0 else { return }
            var x = row.x + 1
            let limit = row.x + 1 + room - 1
            for (i, s) in left.enumerated() {
                let text = (i > 0 ? separator : "") + s.text
                let left = limit - x
                if left <= 0 { break }
                if text.count > left {
                    c.put(TextLayout.truncate(text, width: left, ellipsis: c.glyphs.ellipsis), x: x, y: row.y, style: merged(s.style))
                    break
                }
                if i > 0 { x = c.put(separator, x: x, y: row.y, style: base) }
                x = c.put(s.text, x: x, y: row.y, style: merged(s.style))
            }
        }
    }

    private func merged(_ s: Style?) -> Style {
        guard var s else { return style }
        if s.bg == .default { s.bg = style.bg }
        if s.fg == .default { s.fg = style.fg }
        return s
    }
}

/// A centred box with a title and lines of text (help, confirmations, pickers).
public struct HelpOverlay: Widget {
    public var title: String
    public var lines: [String]
    public var style: Style = .plain
    public var borderStyle: Style = .role(.borderFocus)
    /// Optional footer shown on the last row ("press ? or esc to close").
    public var footer: String?

    public init(title: String, lines: [String], footer: String? = nil) {
        self.title = title; self.lines = lines; self.footer = footer
    }

    /// The rect the overlay occupies inside `area`.
    public func frame(in area: Rect) -> Rect {
        let contentW = max(lines.map(\.count).max() ?? 0, title.count + 2, footer?.count ?? 0)
        let contentH = lines.count + (footer == nil ? 0 : 2)
        return area.centered(Size(width: contentW + 4, height: contentH + 2))
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let f = frame(in: area)
        canvas.fill(f, with: Cell(" ", style: style))
        let inner = canvas.box(f, title: title, style: borderStyle).inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        var body = inner
        if let footer, inner.height >= 3 {
            let (top, bottom) = inner.splitBottom(1)
            body = top.inset(bottom: 1)
            canvas.put(footer, in: bottom, alignment: .center, style: Style.role(.dim))
        }
        for (i, line) in lines.prefix(body.height).enumerated() {
            canvas.put(line, in: body, row: i, style: style)
        }
    }
}

/// "terminal too small: need W×H, have w×h", centred and wrapped to whatever room there is.
public struct TooSmallMessage: Widget {
    public var need: Size
    public var have: Size
    public var style: Style = .role(.warning, .bold)

    public init(need: Size, have: Size) { self.need = need; self.have = have }

    /// True when `have` is smaller than `need` in either direction.
    public static func isTooSmall(need: Size, have: Size) -> Bool {
        have.width < need.width || have.height < need.height
    }

    public func message(times: Character = "×") -> String {
        "terminal too small: need \(need.width)\(times)\(need.height), have \(have.width)\(times)\(have.height)"
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let text = message(times: canvas.glyphs.times)
        let lines = TextLayout.wrap(text, width: area.width)
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < area.maxY {
            canvas.put(line, in: Rect(x: area.x, y: top + i, width: area.width, height: 1),
                       alignment: .center, style: style)
        }
    }
}
