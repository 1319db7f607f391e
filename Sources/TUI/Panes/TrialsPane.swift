import Engine

/// Every trial in a scrolling, selectable table: the finished ones in id order, then the
/// running ones (several when workers share the study). A trial the user enqueued shows `user`
/// as its strategy; with more than one worker a column names the worker of each trial. Only the
/// visible rows are formatted, so 10,000 trials cost the same as ten.
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

    /// The worker column, before arch, when several workers share the study.
    public static let workerColumn = Table.Column("worker", width: .fixed(8))

    /// The columns for a snapshot: a worker column when more than one process works on it.
    public static func columns(for s: Snapshot) -> [Table.Column] {
        guard s.workers > 1 else { return columns }
        var c = columns
        c.insert(workerColumn, at: c.count - 1)
        return c
    }

    /// The strategy cell: `user` for an enqueued architecture, else the strategy that proposed it.
    public static func strategyCell(_ t: TrialRow) -> String { t.origin == "user" ? "user" : t.strategy }

    /// The cells of one trial (with the worker cell when `workers`).
    public static func cells(_ t: TrialRow, workers: Bool = false) -> [String] {
        var c = [String(t.id), strategyCell(t), t.status.rawValue, Format.percent(t.accuracy), Format.ms(t.latencyMs),
                 Format.count(t.parameters), String(t.curve.count)]
        if workers { c.append(t.worker ?? "-") }
        c.append(t.summary)
        return c
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
        let workers = s.workers > 1
        var t = Table(columns: Self.columns(for: s), rowCount: DashboardState.rowCount(s)) { i in
            DashboardState.row(i, in: s).map { Self.cells($0, workers: workers) } ?? []
        }
        t.rowStyle = { i in DashboardState.row(i, in: s).map { Self.style($0, bestID: bestID) } ?? .plain }
        return t
    }

    /// "12 finished, #12 running 45%", or "12 finished, 3 running" with several.
    public static func subtitle(_ s: Snapshot) -> String {
        var text = "\(s.trials.count) finished"
        if s.runningTrials.count == 1, let r = s.running {
            text += ", #\(r.id) running \(Int((min(1, max(0, s.runningProgress)) * 100).rounded()))%"
        } else if s.runningTrials.count > 1 {
            text += ", \(s.runningTrials.count) running"
        }
        return text
    }

    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        render(into: &canvas, area: area, state: &state, table: table())
    }

    /// Draws with a given table (tests pass one whose row provider counts its calls).
    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState, table: Table) {
        let inner = PaneFrame(title: Self.kind.title, subtitle: Self.subtitle(snapshot), focused: state.focus == Self.kind)
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
