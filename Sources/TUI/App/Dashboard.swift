import Engine

/// The whole screen for one snapshot and the UI state: panes, log row, status bar, overlays
/// (help, the strategy and comparison pickers) and the enqueue prompt.
/// No terminal involved, so every frame can be asserted as text (`Canvas.text`).
public struct Dashboard {
    public var snapshot: Snapshot

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    /// The smallest terminal the dashboard draws in.
    public static var minimumSize: Size { DashboardLayout.minimum }

    /// Draws the dashboard over the whole canvas.
    public func render(into canvas: inout Canvas, state: inout DashboardState) {
        render(into: &canvas, area: canvas.bounds, state: &state)
    }

    /// Draws the dashboard into `area`. The state is `inout` because the panes keep scroll
    /// positions in range and record the table's page size.
    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        canvas.fill(area)
        guard let layout = DashboardLayout.make(area: area, zoomed: state.zoomed ? state.focus : nil) else {
            TooSmallMessage(need: Self.minimumSize, have: area.size).render(into: &canvas, area: area)
            return
        }
        for kind in PaneKind.allCases {
            guard let rect = layout.panes[kind] else { continue }
            renderPane(kind, into: &canvas, area: rect, state: &state)
        }
        StatusLine(snapshot: snapshot).render(into: &canvas, area: layout.status, state: state)
        // Overlays cover the panes, never the log row and the status bar.
        let body = area.splitBottom(layout.status.height).0
        if let picker = state.picker {
            picker.render(into: &canvas, area: body, current: snapshot.strategy)
        } else if let picker = state.comparePicker {
            picker.render(into: &canvas, area: body, current: snapshot.comparison?.study)
        } else if state.showHelp {
            HelpOverlay(title: "Keys", lines: KeyMap.helpLines,
                        footer: "? or esc closes   theme: \(state.themeName)").render(into: &canvas, area: body)
        }
        state.prompt?.render(into: &canvas, area: body)
    }

    /// Draws one pane into `area` (its frame included).
    public func renderPane(_ kind: PaneKind, into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        switch kind {
        case .fitness: FitnessPane(snapshot: snapshot).render(into: &canvas, area: area, state: &state)
        case .operations: OperationsPane(snapshot: snapshot).render(into: &canvas, area: area, state: &state)
        case .loss: LossPane(snapshot: snapshot).render(into: &canvas, area: area, state: &state)
        case .pareto: ParetoPane(snapshot: snapshot).render(into: &canvas, area: area, state: &state)
        case .trials: TrialsPane(snapshot: snapshot).render(into: &canvas, area: area, state: &state)
        }
    }
}
