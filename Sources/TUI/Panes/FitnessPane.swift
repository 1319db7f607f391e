import Engine

/// Best and median fitness against finished trials, one line each, with a labelled vertical
/// marker wherever the strategy changed, and another study's best-so-far in its own colour when
/// the snapshot carries a comparison (key C).
public struct FitnessPane: Pane {
    public static let kind = PaneKind.fitness
    public var snapshot: Snapshot

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    public static let bestStyle = Style(fg: .role(.best))
    public static let medianStyle = Style(fg: .series(0))
    public static let comparisonStyle = Style(fg: .series(3))

    /// The comparison curve when it has points.
    var comparison: ComparisonCurve? {
        guard let c = snapshot.comparison, !c.points.isEmpty else { return nil }
        return c
    }

    /// The chart the pane draws below its legend.
    public func chart() -> BrailleChart {
        let pts = snapshot.fitness
        let best = pts.map { (x: Double($0.trials), y: $0.best) }
        let median = pts.map { (x: Double($0.trials), y: $0.median) }
        // A "switch" before the first trial is only the starting strategy (the legend names it).
        let markers = snapshot.switches.filter { $0.trials > 0 }.map {
            BrailleChart.Marker(x: Double($0.trials), label: $0.strategy)
        }
        // Median first so the best line is drawn over it; the other study's curve under our best.
        var series: [BrailleChart.Series] = [.init(name: "median", points: median, style: Self.medianStyle)]
        if let c = comparison {
            series.append(.init(name: c.study, points: c.points.map { (x: Double($0.trials), y: $0.best) },
                                style: Self.comparisonStyle))
        }
        series.append(.init(name: "best", points: best, style: Self.bestStyle))
        return BrailleChart(series: series, markers: markers)
    }

    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        let pts = snapshot.fitness
        let subtitle = pts.last.map { "after \($0.trials) trials" }
        let inner = PaneFrame(title: Self.kind.title, subtitle: subtitle, focused: state.focus == Self.kind)
            .draw(into: &canvas, area: area)
        guard !inner.isEmpty else { return }
        guard pts.last != nil || comparison != nil else {
            canvas.placeholder("no finished trials yet", in: inner)
            return
        }
        var body = inner
        if inner.height >= 4 {
            var pieces: [(String, Style)] = []
            if let last = pts.last {
                pieces += [("best \(Format.value(last.best))", Self.bestStyle.bold),
                           ("median \(Format.value(last.median))", Self.medianStyle)]
            }
            if let c = comparison, let last = c.points.last {
                pieces.append(("\(c.study) \(Format.value(last.best))", Self.comparisonStyle.bold))
            }
            if let last = pts.last { pieces.append((last.strategy, .role(.dim))) }
            canvas.legend(pieces, in: inner)
            body = inner.inset(top: 1)
        }
        chart().render(into: &canvas, area: body)
    }
}
