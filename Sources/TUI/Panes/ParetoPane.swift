import Engine

/// Latency (x, ms; on the tabular device when the snapshot names one, which the title shows)
/// against accuracy (y, %) of every finished trial that has both, the Pareto front joined by a
/// line, the latency target as a dashed vertical line, the best trial and the selected trial
/// marked on top.
public struct ParetoPane: Pane {
    public static let kind = PaneKind.pareto
    public var snapshot: Snapshot

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    public static let completeStyle = Style(fg: .series(0))
    public static let prunedStyle = Style(fg: .role(.pruned), attrs: .dim)
    public static let frontStyle = Style(fg: .role(.accent), attrs: .bold)
    public static let bestStyle = Style(fg: .role(.best), attrs: .bold)
    public static let selectedStyle = Style(fg: .role(.selectionText), bg: .role(.selection), attrs: .bold)

    static func point(_ t: TrialRow) -> (x: Double, y: Double)? {
        guard let l = t.latencyMs, let a = t.accuracy, l.isFinite, a.isFinite else { return nil }
        return (x: l, y: a)
    }

    /// The finished trial with this id (trials are kept in id order: binary search).
    public static func trial(id: Int, in trials: TrialRows) -> TrialRow? {
        var lo = 0, hi = trials.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let v = trials[mid].id
            if v == id { return trials[mid] }
            if v < id { lo = mid + 1 } else { hi = mid }
        }
        // Not in order after all: a linear look keeps the answer right.
        return trials.first { $0.id == id }
    }

    /// The chart: finished trials as scatter (pruned ones faint), the front as a line, the target;
    /// and how many trials the scatter shows.
    public func chart() -> (chart: BrailleChart, points: Int) {
        var complete: [(x: Double, y: Double)] = []
        var pruned: [(x: Double, y: Double)] = []
        // Each distinct point once (a repeated one draws the same dot): a tabular study's
        // scatter costs its table's size per frame, not its number of trials.
        snapshot.trials.forEachDistinctPoint { p in
            if p.pruned { pruned.append((p.latencyMs, p.accuracy)) } else { complete.append((p.latencyMs, p.accuracy)) }
        }
        let front = snapshot.paretoFront.filter { $0.latencyMs.isFinite && $0.accuracy.isFinite }
            .sorted { $0.latencyMs < $1.latencyMs }.map { (x: $0.latencyMs, y: $0.accuracy) }
        var series: [BrailleChart.Series] = [
            .init(name: "pruned", points: pruned, kind: .scatter, style: Self.prunedStyle),
            .init(name: "trials", points: complete, kind: .scatter, style: Self.completeStyle),
        ]
        if !front.isEmpty { series.append(.init(name: "front", points: front, kind: .line, style: Self.frontStyle)) }
        var refs: [BrailleChart.ReferenceLine] = []
        if let target = snapshot.latencyTarget, target.isFinite {
            refs.append(.init(.vertical, at: target, label: "target \(Format.ms(target))ms"))
        }
        var chart = BrailleChart(series: series, references: refs)
        chart.formatY = { TextLayout.compact($0 * 100) + "%" }
        chart.formatX = { TextLayout.compact($0) + "ms" }
        return (chart, snapshot.trials.plottedTrials)
    }

    /// "front 12", or "front 2594 (31 points)" when trials tie on the front's points.
    static func frontLabel(_ front: [FrontPoint]) -> String {
        let trials = front.reduce(0) { $0 + $1.trials }
        return trials == front.count ? "front \(trials)" : "front \(trials) (\(front.count) point\(front.count == 1 ? "" : "s"))"
    }

    /// "Pareto", or "Pareto (raspi4)" when the latencies are a tabular device's.
    public static func title(_ s: Snapshot) -> String {
        guard let d = s.device, !d.isEmpty else { return kind.title }
        return "\(kind.title) (\(d))"
    }

    /// What the axes are, naming the device whose latency is shown.
    public static func subtitle(_ s: Snapshot) -> String {
        guard let d = s.device, !d.isEmpty else { return "latency ms vs accuracy %" }
        return "\(d) latency ms vs accuracy %"
    }

    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        let (chart, count) = chart()
        let inner = PaneFrame(title: Self.title(snapshot), subtitle: Self.subtitle(snapshot), focused: state.focus == Self.kind)
            .draw(into: &canvas, area: area)
        guard !inner.isEmpty else { return }
        guard count > 0 else {
            canvas.placeholder("no finished trials with a latency yet", in: inner)
            return
        }
        let g = canvas.glyphs
        let best = snapshot.best.flatMap { b in Self.point(b).map { (b, $0) } }
        let selected = state.selectedTrial(in: snapshot).flatMap { s in Self.point(s).map { (s, $0) } }
        var body = inner
        if inner.height >= 4 {
            var pieces: [(String, Style)] = [("\(count) trials", .role(.dim)),
                                             (Self.frontLabel(snapshot.paretoFront), Self.frontStyle)]
            if let (b, p) = best {
                pieces.append(("\(g.argmaxMarker) best #\(b.id) \(Format.percent(p.y))% \(Format.ms(p.x))ms", Self.bestStyle))
            }
            if let (s, p) = selected {
                pieces.append(("\(g.times) #\(s.id) \(Format.percent(p.y))% \(Format.ms(p.x))ms", Self.selectedStyle))
            }
            canvas.legend(pieces, in: inner)
            body = inner.inset(top: 1)
        }
        chart.render(into: &canvas, area: body)
        canvas.withClip(body) { c in
            if let (_, p) = best, let cell = chart.cell(x: p.x, y: p.y, in: body, glyphs: g) {
                c.set(x: cell.x, y: cell.y, char: g.argmaxMarker, style: Self.bestStyle)
            }
            if let (_, p) = selected, let cell = chart.cell(x: p.x, y: p.y, in: body, glyphs: g) {
                c.set(x: cell.x, y: cell.y, char: g.times, style: Self.selectedStyle)
            }
        }
    }
}
