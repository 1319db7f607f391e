/// Rows x columns of values in [0, 1] (e.g. operation weights per edge) as shades or colours,
/// with row labels, column headers, the argmax of each row marked, and optional numeric values.
public struct Heatmap: Widget {
    /// How a cell shows its value.
    public enum Mode: Sendable {
        /// Shade glyphs (░▒▓█) coloured along the heat gradient; readable without colour.
        case shade
        /// Background colour along the heat gradient.
        case background
    }

    public var rowLabels: [String]
    public var columns: [String]
    /// `values[row][column]`, expected in [0, 1]; missing entries count as 0.
    public var values: [[Double]]
    public var mode: Mode = .shade
    /// Print the numbers in the cells ("values on demand").
    public var showValues = false
    /// Mark each row's largest value.
    public var markArgmax = true
    /// First row shown (for maps taller than the area).
    public var rowOffset = 0
    /// Widest a column may grow.
    public var maxColumnWidth = 6
    public var labelStyle: Style = .role(.foreground)
    public var headerStyle: Style = .role(.title, .bold)

    public init(rowLabels: [String], columns: [String], values: [[Double]]) {
        self.rowLabels = rowLabels; self.columns = columns; self.values = values
    }

    /// The column index of each row's largest value (nil for empty rows; first wins ties).
    public static func argmax(_ row: [Double]) -> Int? {
        var best: Int? = nil
        for (i, v) in row.enumerated() where v.isFinite {
            if best == nil || v > row[best!] { best = i }
        }
        return best
    }

    /// A short form of an operation name: `sep_conv_3x3` → `sep3`, `skip_connect` → `skip`,
    /// `none` → `none`, cut to `width`.
    public static func abbreviate(_ name: String, width: Int = 4) -> String {
        guard width > 0 else { return "" }
        if name.count <= width { return name }
        let parts = name.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " })
        guard let first = parts.first else { return String(name.prefix(width)) }
        let digit = parts.dropFirst().last?.first(where: \.isNumber)
        if let d = digit {
            return String(first.prefix(max(1, width - 1))) + String(d)
        }
        return String(first.prefix(width))
    }

    /// Layout: label width and column width for an area width.
    func layout(width: Int) -> (label: Int, column: Int) {
        let longest = rowLabels.map(\.count).max() ?? 0
        let n = max(1, columns.count)
        var label = min(longest, max(0, width / 3))
        if longest > 0 { label = max(1, label) }
        let gap = label > 0 ? 1 : 0
        let col = max(1, min(maxColumnWidth, (width - label - gap) / n))
        return (label, col)
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let (labelW, colW) = layout(width: area.width)
        let gridX = area.x + labelW + (labelW > 0 ? 1 : 0)
        let g = canvas.glyphs
        canvas.withClip(area) { c in
            // Headers.
            for (j, name) in columns.enumerated() {
                let x = gridX + j * colW
                guard x < area.maxX else { break }
                let w = colW > 1 ? colW - 1 : colW
                c.put(TextLayout.fit(Self.abbreviate(name, width: w), width: w, alignment: .center, ellipsis: ""),
                      x: x, y: area.y, style: headerStyle)
            }
            let first = max(0, min(rowOffset, max(0, rowLabels.count - 1)))
            var y = area.y + 1
            var i = first
            let rowCount = max(rowLabels.count, values.count)
            while y < area.maxY && i < rowCount {
                let label = i < rowLabels.count ? rowLabels[i] : ""
                if labelW > 0 {
                    c.put(TextLayout.fit(label, width: labelW, alignment: .right, ellipsis: g.ellipsis),
                          x: area.x, y: y, style: labelStyle)
                }
                let row = i < values.count ? values[i] : []
                let best = markArgmax ? Self.argmax(row) : nil
                for j in 0..<columns.count {
                    let x = gridX + j * colW
                    guard x < area.maxX else { break }
                    let v = j < row.count && row[j].isFinite ? min(1, max(0, row[j])) : 0
                    drawCell(&c, x: x, y: y, width: colW, value: v, isBest: best == j)
                }
                y += 1
                i += 1
            }
        }
    }

    private func drawCell(_ c: inout Canvas, x: Int, y: Int, width: Int, value v: Double, isBest: Bool) {
        let g = c.glyphs
        let heat = Color.heat(value: v)
        // Leave a one-cell gap between columns when there is room.
        let w = width > 2 ? width - 1 : width
        var cellStyle: Style
        var body: [Character]
        switch mode {
        case .shade:
            cellStyle = Style(fg: heat)
            body = Array(repeating: g.shade(for: v), count: w)
        case .background:
            cellStyle = Style(fg: .role(v > 0.5 ? .background : .foreground), bg: heat)
            body = Array(repeating: " ", count: w)
        }
        if showValues {
            let text = Self.formatValue(v, width: isBest ? w - 1 : w)
            let chars = Array(TextLayout.fit(text, width: w, alignment: .right, ellipsis: ""))
            body = chars
            if mode == .shade { cellStyle = Style(fg: heat) }
        }
        if isBest {
            cellStyle = cellStyle.bold
            body[0] = g.argmaxMarker
        }
        for k in 0..<w { c.set(x: x + k, y: y, char: body[k], style: cellStyle) }
    }

    /// A value in [0, 1] in at most `width` cells: `0.42`, `.42`, `42`, `4`.
    static func formatValue(_ v: Double, width: Int) -> String {
        let pct = Int((v * 100).rounded())
        if width >= 4 {
            if pct >= 100 { return "1.00" }
            return "0." + (pct < 10 ? "0" : "") + String(pct)
        }
        if width == 3 { return pct >= 100 ? "1.0" : "." + (pct < 10 ? "0" : "") + String(pct) }
        if width == 2 { return pct >= 100 ? "99" : String(pct) }
        return width == 1 ? String(min(9, pct / 10)) : ""
    }
}
