import Engine

/// Every trial in a scrolling, selectable table: the finished ones in id order, then the
/// running one. Only the visible rows are formatted, so 10,000 trials cost the same as ten.
public struct TrialsPane: Pane {
    public static let kind = PaneKind.trials
    public var snapshot: Snapshot

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    public static let columns: [Table.Column] = [
        .init("id", width: .fixed(5), alignment: .right),
        .init("strategy", width: .fixed(9)),
        .init("status", width: .fixed(8)),
        .init("acc %", width: .fixed(6), alignment: .right),
        .init("lat ms", width: .fixed(6), alignment: .right),
        .init("params", width: .fixed(6), alignment: .right),
        .init("epochs", width: .fixed(6), alignment: .right),
        .init("arch", width: .fill(weight: 1, min: 0)),
    ]

    /// The cells of one trial.
    public static func cells(_ t: TrialRow) -> [String] {
        [String(t.id), t.strategy, t.status.rawValue, Format.percent(t.accuracy), Format.ms(t.latencyMs),
         Format.count(t.parameters), String(t.curve.count), t.summary]
    }

    /// The style of a row that is not selected.
    public static func style(_ t: TrialRow, bestID: Int?) -> Style {
        if t.id == bestID { return .role(.best, .bold) }
        switch t.status {
        case .running: return .role(.running, .bold)
        case .pruned: return .role(.pruned)
        case .failed: return .role(.failed)
        case .complete: return .plain
        }
    }

    /// The table over the snapshot's trials; `row` formats only the rows it is asked for.
    public func table() -> Table {
        let s = snapshot
        let bestID = s.best?.id
        var t = Table(columns: Self.columns, rowCount: DashboardState.rowCount(s)) { i in
            DashboardState.row(i, in: s).map(Self.cells) ?? []
        }
        t.rowStyle = { i in DashboardState.row(i, in: s).map { Self.style($0, bestID: bestID) } ?? .plain }
        return t
    }

    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        render(into: &canvas, area: area, state: &state, table: table())
    }

    /// Draws with a given table (tests pass one whose row provider counts its calls).
    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState, table: Table) {
        var subtitle = "\(snapshot.trials.count) finished"
        if let r = snapshot.running {
            subtitle += ", #\(r.id) running \(Int((min(1, max(0, snapshot.runningProgress)) * 100).rounded()))%"
        }
        let inner = PaneFrame(title: Self.kind.title, subtitle: subtitle, focused: state.focus == Self.kind)
            .draw(into: &canvas, area: area)
        guard !inner.isEmpty else { return }
        let visible = Table.visibleRows(in: inner)
        state.tableRows = max(1, visible)
        if state.table.selected == nil {
            // Following the latest: keep the tail in view.
            state.table.offset = max(0, table.rowCount - visible)
        }
        table.render(into: &canvas, area: inner, state: &state.table)
        if table.rowCount == 0 && inner.height >= 3 {
            canvas.placeholder("no trials yet", in: inner.inset(top: 1))
        }
    }
}
