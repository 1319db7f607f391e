/// Selection and scroll position of a `Table`, kept by the caller between frames.
public struct TableState: Hashable, Sendable {
    /// The selected row, if any.
    public var selected: Int?
    /// The first visible row.
    public var offset: Int

    public init(selected: Int? = nil, offset: Int = 0) { self.selected = selected; self.offset = offset }

    /// Clamps the selection to `count` rows and scrolls so it stays inside `visibleRows`.
    public mutating func keepSelectionVisible(count: Int, visibleRows: Int) {
        if count <= 0 { selected = nil; offset = 0; return }
        if let s = selected { selected = min(max(0, s), count - 1) }
        let vis = max(1, visibleRows)
        offset = min(max(0, offset), max(0, count - vis))
        if let s = selected {
            if s < offset { offset = s }
            if s >= offset + vis { offset = s - vis + 1 }
        }
    }

    /// Moves the selection by `delta` rows (selects the first row when nothing is selected).
    public mutating func move(by delta: Int, count: Int) {
        guard count > 0 else { selected = nil; return }
        let cur = selected ?? (delta >= 0 ? -1 : count)
        selected = min(max(0, cur + delta), count - 1)
    }

    public mutating func selectFirst(count: Int) { selected = count > 0 ? 0 : nil }
    public mutating func selectLast(count: Int) { selected = count > 0 ? count - 1 : nil }
}

/// A table with a header row over a virtual list of rows: only the visible rows are asked for,
/// so it handles tens of thousands of rows per frame.
public struct Table {
    /// One column: header, width and alignment.
    public struct Column: Sendable {
        public enum Width: Hashable, Sendable {
            /// Exactly this many cells.
            case fixed(Int)
            /// A share of whatever the fixed columns leave (weights), at least `min` cells.
            case fill(weight: Int = 1, min: Int = 1)
        }
        public var title: String
        public var width: Width
        public var alignment: TextLayout.Alignment
        public init(_ title: String, width: Width = .fill(), alignment: TextLayout.Alignment = .left) {
            self.title = title; self.width = width; self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rowCount: Int
    /// The cells of row `i` (called only for visible rows).
    public var row: (Int) -> [String]
    /// An optional style per row (e.g. dim for pruned trials); the selection overrides it.
    public var rowStyle: ((Int) -> Style)?
    public var headerStyle: Style = .role(.title, .bold)
    public var selectedStyle = Style(fg: .role(.selectionText), bg: .role(.selection), attrs: .bold)
    /// Cells between columns.
    public var spacing = 1

    public init(columns: [Column], rowCount: Int, row: @escaping (Int) -> [String]) {
        self.columns = columns; self.rowCount = rowCount; self.row = row
    }

    /// The width of each column for a total width (fixed first, then fills by weight).
    public func columnWidths(total: Int) -> [Int] {
        let gaps = spacing * max(0, columns.count - 1)
        var widths = columns.map { col -> Int in
            if case .fixed(let w) = col.width { return max(0, w) }
            return 0
        }
        var left = total - gaps - widths.reduce(0, +)
        var weights = 0
        for col in columns { if case .fill(let w, _) = col.width { weights += max(1, w) } }
        if weights > 0 {
            let share = max(0, left)
            var lastFill: Int? = nil
            for (i, col) in columns.enumerated() {
                if case .fill(let w, let m) = col.width {
                    widths[i] = max(m, share * max(1, w) / weights)
                    lastFill = i
                }
            }
            left = total - gaps - widths.reduce(0, +)
            if let lf = lastFill, left > 0 { widths[lf] += left }
        }
        return widths
    }

    /// Number of data rows that fit in `area` (one row goes to the header).
    public static func visibleRows(in area: Rect) -> Int { max(0, area.height - 1) }

    /// Draws the header and the visible rows, scrolling `state` so the selection stays visible.
    public func render(into canvas: inout Canvas, area: Rect, state: inout TableState) {
        let area = area.intersection(canvas.bounds)
        let visible = Self.visibleRows(in: area)
        state.keepSelectionVisible(count: rowCount, visibleRows: visible)
        guard !area.isEmpty else { return }
        let widths = columnWidths(total: area.width)
        let ell = canvas.glyphs.ellipsis
        func drawRow(_ c: inout Canvas, _ cells: [String], y: Int, style: Style, fillRow: Bool) {
            if fillRow { c.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: style)) }
            var x = area.x
            for (j, col) in columns.enumerated() {
                let w = widths[j]
                if w > 0 {
                    let text = j < cells.count ? cells[j] : ""
                    c.put(TextLayout.fit(text, width: w, alignment: col.alignment, ellipsis: ell), x: x, y: y, style: style)
                }
                x += w + spacing
                if x >= area.maxX { break }
            }
        }
        canvas.withClip(area) { c in
            drawRow(&c, columns.map(\.title), y: area.y, style: headerStyle, fillRow: false)
            guard visible > 0 else { return }
            let end = min(rowCount, state.offset + visible)
            var y = area.y + 1
            if state.offset < end {
                for i in state.offset..<end {
                    let selected = state.selected == i
                    let style = selected ? selectedStyle : (rowStyle?(i) ?? .plain)
                    drawRow(&c, row(i), y: y, style: style, fillRow: selected)
                    y += 1
                }
            }
            // A scroll hint in the header's right corner when rows are hidden.
            if rowCount > visible, area.width >= 12 {
                let pos = (state.selected ?? state.offset) + 1
                let hint = "\(pos)/\(rowCount)"
                let hx = area.maxX - hint.count - 1
                // Only where the header leaves room, so no column title is hidden.
                if hint.count + 2 < area.width, c.row(area.y, from: hx, length: hint.count + 1).allSatisfy({ $0 == " " }) {
                    c.put(" " + hint, x: hx, y: area.y, style: Style.role(.dim))
                }
            }
        }
    }
}
