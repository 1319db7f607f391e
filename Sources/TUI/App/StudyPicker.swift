import Engine

/// The study picker screen (attach and view without --study on a storage with many studies):
/// one row per study with its status, trials, best accuracy, strategy and space; up/down (j/k,
/// page keys, g/G) move, enter picks, q or esc leaves. Draws as text, so it is tested like the
/// dashboard; `run(on:)` is its loop on any backend.
public struct StudyPicker: Equatable, Sendable {
    public var studies: [StudySummary]
    /// Where the studies are stored (named in the title).
    public var storage: String
    public var table = TableState(selected: 0)
    /// Data rows shown last frame (for page up/down).
    public var pageRows = 10

    /// The smallest terminal the list draws in.
    public static let minimumSize = Size(width: 40, height: 8)

    public init(studies: [StudySummary], storage: String) {
        self.studies = studies
        self.storage = storage
        if studies.isEmpty { table.selected = nil }
    }

    /// What the user did with a key.
    public enum Outcome: Hashable, Sendable {
        case stay
        case picked(String)
        case left
        /// The terminal changed size or ctrl-l: repaint.
        case redraw
    }

    public static let columns: [Table.Column] = [
        .init("study", width: .fill(weight: 1, min: 8)),
        .init("status", width: .fixed(8)),
        .init("trials", width: .fixed(11), alignment: .right),
        .init("best %", width: .fixed(6), alignment: .right),
        .init("strategy", width: .fixed(9)),
        .init("space", width: .fixed(5)),
    ]

    /// The cells of one study: trials as finished/budget (and how many run now).
    public static func cells(_ s: StudySummary) -> [String] {
        let trials = "\(s.finished)/\(s.budget)" + (s.running > 0 ? " +\(s.running)" : "")
        return [s.name, s.status, trials, Format.percent(s.bestAccuracy), s.strategy, s.space]
    }

    static func style(_ s: StudySummary) -> Style {
        switch s.status {
        case "running": return .role(.running, .bold)
        case "paused": return .role(.warning)
        case "finished": return .role(.complete)
        default: return .plain
        }
    }

    public var selected: StudySummary? { table.selected.flatMap { studies.indices.contains($0) ? studies[$0] : nil } }

    /// Applies one key.
    public mutating func handle(_ key: Key) -> Outcome {
        let n = studies.count
        switch key {
        case .up, .char("k"): table.move(by: -1, count: n)
        case .down, .char("j"), .tab: table.move(by: 1, count: n)
        case .pageUp: table.move(by: -max(1, pageRows - 1), count: n)
        case .pageDown: table.move(by: max(1, pageRows - 1), count: n)
        case .home, .char("g"): table.selectFirst(count: n)
        case .end, .char("G"): table.selectLast(count: n)
        case .enter: if let s = selected { return .picked(s.name) }
        case .escape, .char("q"), .ctrl("c"): return .left
        case .resize, .ctrl("l"): return .redraw
        default: break
        }
        return .stay
    }

    /// Draws the list over the whole `area`: a framed table and a row of keys at the bottom.
    public mutating func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        canvas.fill(area)
        if TooSmallMessage.isTooSmall(need: Self.minimumSize, have: area.size) {
            TooSmallMessage(need: Self.minimumSize, have: area.size).render(into: &canvas, area: area)
            return
        }
        let (body, keys) = area.splitBottom(1)
        // When the list scrolls, the subtitle says where the selection is.
        let visible = Table.visibleRows(in: body.inset(by: 1))
        var subtitle = "\(studies.count) studies"
        if studies.count > visible, let i = table.selected { subtitle = "\(i + 1)/\(studies.count) studies" }
        let inner = PaneFrame(title: "Studies in \(storage)", subtitle: subtitle, focused: true)
            .draw(into: &canvas, area: body)
        let rows = studies
        var t = Table(columns: Self.columns, rowCount: rows.count) { i in Self.cells(rows[i]) }
        t.rowStyle = { i in Self.style(rows[i]) }
        pageRows = max(1, Table.visibleRows(in: inner))
        t.render(into: &canvas, area: inner, state: &table)
        StatusBar(left: [.init("pick a study")],
                  right: [.init("up/down select  enter opens  q or esc leaves")]).render(into: &canvas, area: keys)
    }

    /// Shows the list on `backend` until a study is picked (its name) or the user leaves (nil);
    /// `maxFrames` (tests) gives up after that many frames.
    public mutating func run(on backend: TerminalBackend, maxFrames: Int? = nil) -> String? {
        var frames = 0
        var dirty = true
        var lastSize = Size(width: -1, height: -1)
        while true {
            if dirty || backend.size != lastSize {
                var canvas = backend.makeCanvas()
                render(into: &canvas, area: canvas.bounds)
                backend.draw(canvas)
                lastSize = backend.size
                dirty = false
            }
            frames += 1
            if let maxFrames, frames >= maxFrames { return nil }
            var key = backend.readKey(timeoutMs: DashboardLoop.frameMilliseconds)
            while key != .none {
                switch handle(key) {
                case .picked(let name): return name
                case .left: return nil
                case .redraw: backend.invalidate(); dirty = true
                case .stay: dirty = true
                }
                key = backend.readKey(timeoutMs: 0)
            }
        }
    }
}
