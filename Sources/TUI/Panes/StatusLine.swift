import Engine

/// The two bottom rows: a log row (the last log line, or a flash message, with the data note on
/// the right) and the status bar (strategy, RUNNING / PAUSED / FINISHED and VIEW, study, budget,
/// simulated seconds, workers, best accuracy, elapsed, ETA, key hints).
public struct StatusLine {
    public var snapshot: Snapshot

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    public static func stateStyle(_ s: EngineState) -> Style {
        switch s {
        case .running: return Style(fg: .role(.running), attrs: .bold)
        case .paused: return Style(fg: .role(.warning), attrs: [.bold, .reverse])
        case .finished: return Style(fg: .role(.best), attrs: .bold)
        }
    }

    /// The budget as "finished/budget" (just the count when there is no budget).
    public static func budgetText(_ s: Snapshot) -> String {
        s.budget > 0 ? "\(s.finishedTrials)/\(s.budget)" : "\(s.finishedTrials) trials"
    }

    /// Seconds of a simulated-time budget: whole seconds from 10 up, one decimal below.
    public static func seconds(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        return abs(v) >= 10 ? String(format: "%.0f", v) : String(format: "%.1f", v)
    }

    /// The status bar for a width: strategy, state (and VIEW), study, budget, simulated seconds,
    /// workers, best, elapsed, ETA on the left; key hints on the right.
    public func bar(width: Int, state: DashboardState, ellipsis: String = "…") -> StatusBar {
        let s = snapshot
        let mode = state.connection(s)
        var left: [StatusBar.Segment] = [
            .init(s.strategy.isEmpty ? "-" : s.strategy, style: Style(fg: .role(.accent), attrs: .bold)),
            .init(state.quitting && s.state != .finished ? "STOPPING" : s.state.rawValue, style: Self.stateStyle(s.state)),
        ]
        if mode == .view { left.append(.init("VIEW", style: Style(fg: .role(.warning), attrs: [.bold, .reverse]))) }
        if !s.study.isEmpty { left.append(.init(s.study, style: Style(fg: .role(.title)))) }
        var budget = Self.budgetText(s)
        if s.budget > 0 && width >= 100 {
            let f = Double(s.finishedTrials) / Double(s.budget)
            budget += " (\(Int((min(1, max(0, f)) * 100).rounded()))%)"
        }
        left.append(.init(budget))
        if let total = s.budgetSeconds {
            left.append(.init("\(Self.seconds(s.spentSeconds))/\(Self.seconds(total)) s"))
        }
        if s.workers > 1 { left.append(.init("\(s.workers) workers")) }
        if let best = s.best, let a = best.accuracy {
            left.append(.init("best \(Format.percent(a))%", style: Style(fg: .role(.best), attrs: .bold)))
        }
        left.append(.init(Format.duration(s.elapsedSeconds)))
        if let eta = s.etaSeconds, s.state != .finished { left.append(.init("ETA \(Format.duration(eta))")) }
        let quit: String
        switch mode {
        case .run: quit = "q quit"
        case .attach: quit = "q detach"
        case .view: quit = "q leave"
        }
        let hints: String
        if state.quitting { hints = "stopping" + ellipsis }
        else if mode == .view {
            hints = width >= 110 ? "read-only  tab focus  enter zoom  ? help  \(quit)" : "? help  \(quit)"
        }
        else if width >= 150 { hints = "p pause  s strategy  e export  +/- budget  a enqueue  ? help  \(quit)" }
        else if width >= 110 { hints = "p pause  s strategy  ? help  \(quit)" }
        else { hints = "? help  \(quit)" }
        return StatusBar(left: left, right: [.init(hints, style: state.quitting ? .role(.warning, .bold) : nil)])
    }

    /// Draws the log row (when `area` has two rows) and the status bar (the last row).
    public func render(into canvas: inout Canvas, area: Rect, state: DashboardState) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let (top, barRow) = area.splitBottom(1)
        if !top.isEmpty {
            let logRow = Rect(x: top.x, y: top.maxY - 1, width: top.width, height: 1)
            canvas.fill(logRow)
            var room = logRow.inset(left: 1, right: 1)
            if let note = snapshot.dataNote, !note.isEmpty, room.width > 10 {
                let n = TextLayout.truncate(note, width: max(8, room.width * 2 / 3), ellipsis: canvas.glyphs.ellipsis)
                canvas.put(n, in: room, alignment: .right, style: .role(.warning, .bold))
                room = room.inset(right: n.count + 2)
            }
            if let f = state.flash {
                canvas.put(f.text, in: room, style: f.isWarning ? .role(.warning, .bold) : .role(.accent))
            } else if let line = snapshot.log.last {
                canvas.put(line, in: room, style: .role(.dim))
            }
        }
        bar(width: barRow.width, state: state, ellipsis: canvas.glyphs.ellipsis).render(into: &canvas, area: barRow)
    }
}
