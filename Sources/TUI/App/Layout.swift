/// Where each pane goes for a terminal size.
///
/// - at least 100 columns and 30 rows: Fitness | Operations over Loss | Pareto, Trials across
///   the bottom;
/// - at least 100 columns but fewer than 30 rows: Fitness | Operations | Pareto over Loss | Trials;
/// - 60 to 99 columns: the 2x2 grid over Trials, in narrower columns;
/// - below `minimum`: nothing (the dashboard shows `TooSmallMessage` with the size needed).
///
/// The two bottom rows are the log row and the status bar. A zoomed pane takes the whole body.
public struct DashboardLayout: Hashable, Sendable {
    public var panes: [PaneKind: Rect]
    /// The log row and the status bar (two rows, the bar last).
    public var status: Rect

    /// The smallest terminal the dashboard draws in.
    public static let minimum = Size(width: 60, height: 16)

    public init(panes: [PaneKind: Rect], status: Rect) { self.panes = panes; self.status = status }

    /// The layout for `area`, or nil when it is smaller than `minimum`.
    public static func make(area: Rect, zoomed: PaneKind? = nil) -> DashboardLayout? {
        guard !TooSmallMessage.isTooSmall(need: minimum, have: area.size) else { return nil }
        let (body, status) = area.splitBottom(2)
        if let z = zoomed { return DashboardLayout(panes: [z: body], status: status) }
        var panes: [PaneKind: Rect] = [:]
        if area.width >= 100 && area.height < 30 {
            let rows = body.rows([1, 1])
            let top = rows[0].columns([1, 1, 1])
            let bottom = rows[1].columns([1, 2])
            panes[.fitness] = top[0]; panes[.operations] = top[1]; panes[.pareto] = top[2]
            panes[.loss] = bottom[0]; panes[.trials] = bottom[1]
        } else {
            let trialsHeight = max(6, body.height * 3 / 10)
            let (grid, trials) = body.splitBottom(trialsHeight)
            let rows = grid.rows([1, 1])
            let top = rows[0].columns([1, 1]), bottom = rows[1].columns([1, 1])
            panes[.fitness] = top[0]; panes[.operations] = top[1]
            panes[.loss] = bottom[0]; panes[.pareto] = bottom[1]
            panes[.trials] = trials
        }
        return DashboardLayout(panes: panes, status: status)
    }
}
