import Engine

/// The operation-weights heatmap: edges as rows, operations as columns, each row's argmax
/// marked; the normal or the reduction cell (key c), numbers on demand (key v). The subtitle
/// says what the weights are (softmax(alpha) or op frequency).
public struct OperationsPane: Pane {
    public static let kind = PaneKind.operations
    public var snapshot: Snapshot

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    /// The weights shown for the state: the reduction cell when asked for and present.
    public static func weights(_ ops: OperationWeights, reduce: Bool) -> (values: [[Double]], cell: String?) {
        guard let r = ops.reduce else { return (ops.normal, nil) }
        return reduce ? (r, "reduce") : (ops.normal, "normal")
    }

    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        let ops = snapshot.operations
        let inner = PaneFrame(title: Self.kind.title, subtitle: ops?.source, focused: state.focus == Self.kind)
            .draw(into: &canvas, area: area)
        guard !inner.isEmpty else { return }
        guard let ops, !ops.columns.isEmpty else {
            canvas.placeholder("no operation weights yet", in: inner)
            return
        }
        let (values, cell) = Self.weights(ops, reduce: state.showReduce)
        var body = inner
        let rowCount = max(ops.rows.count, values.count)
        // A caption row when there is a cell to name or rows to scroll, and room for it.
        let captionRoom = inner.height >= 4
        if captionRoom { body = inner.inset(top: 1) }
        let visible = max(1, body.height - 1)
        let maxOffset = max(0, rowCount - visible)
        state.heatmapOffset = min(max(0, state.heatmapOffset), maxOffset)
        if captionRoom {
            var pieces: [(String, Style)] = []
            if let cell {
                pieces.append(("\(cell) cell", .role(.accent, .bold)))
                pieces.append(("c: \(cell == "normal" ? "reduce" : "normal")", .role(.dim)))
            }
            pieces.append(("v: \(state.showValues ? "shades" : "values")", .role(.dim)))
            var captionRow = Rect(x: inner.x, y: inner.y, width: inner.width, height: 1)
            if maxOffset > 0 {
                // Which rows are on screen, at the right; the caption gives way to it.
                let first = state.heatmapOffset + 1, lastRow = min(rowCount, state.heatmapOffset + visible)
                let range = "\(first)-\(lastRow)/\(rowCount)"
                canvas.put(range, in: captionRow, alignment: .right, style: .role(.dim))
                captionRow = captionRow.inset(right: range.count + 1)
            }
            canvas.legend(pieces, in: captionRow)
        }
        var map = Heatmap(rowLabels: ops.rows, columns: ops.columns, values: values)
        map.showValues = state.showValues
        map.rowOffset = state.heatmapOffset
        map.render(into: &canvas, area: body)
    }
}
