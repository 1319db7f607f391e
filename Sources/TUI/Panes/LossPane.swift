import Engine

/// Train and validation loss of one trial over its epochs (the selected one, else the running
/// one, else the last finished), over the recent other trials drawn faint; pruned and failed
/// trials in their own colours.
public struct LossPane: Pane {
    public static let kind = PaneKind.loss
    public var snapshot: Snapshot
    /// How many other finished trials are drawn faint behind the chosen one.
    public var background = 40

    public init(snapshot: Snapshot) { self.snapshot = snapshot }

    public static let trainStyle = Style(fg: .series(0), attrs: .bold)
    public static let validationStyle = Style(fg: .series(1), attrs: .bold)

    /// The faint style of another trial's curve, by status.
    public static func faintStyle(_ row: TrialRow) -> Style {
        switch row.status {
        case .pruned: return Style(fg: .role(.pruned), attrs: .dim)
        case .failed: return Style(fg: .role(.failed), attrs: .dim)
        case .running: return Style(fg: .role(.running), attrs: .dim)
        case .complete: return Style(fg: .role(.dim), attrs: .dim)
        }
    }

    /// The colour role of a status word.
    public static func statusStyle(_ row: TrialRow) -> Style {
        switch row.status {
        case .pruned: return .role(.pruned, .bold)
        case .failed: return .role(.failed, .bold)
        case .running: return .role(.running, .bold)
        case .complete: return .role(.complete)
        }
    }

    /// The chart for trial `chosen`: faint curves of recent others, then its train and validation loss.
    public func chart(for chosen: TrialRow?) -> BrailleChart {
        var series: [BrailleChart.Series] = []
        var n = 0
        var i = snapshot.trials.count - 1
        var faint: [BrailleChart.Series] = []
        while i >= 0 && n < background {
            let t = snapshot.trials[i]
            i -= 1
            guard t.id != chosen?.id, !t.curve.isEmpty else { continue }
            faint.append(.init(name: "#\(t.id)",
                               points: t.curve.map { (x: Double($0.epoch), y: $0.validationLoss ?? $0.trainLoss) },
                               style: Self.faintStyle(t)))
            n += 1
        }
        series += faint.reversed()
        if let c = chosen, !c.curve.isEmpty {
            series.append(.init(name: "train", points: c.curve.map { (x: Double($0.epoch), y: $0.trainLoss) },
                                style: Self.trainStyle))
            let val = c.curve.compactMap { p in p.validationLoss.map { (x: Double(p.epoch), y: $0) } }
            if !val.isEmpty { series.append(.init(name: "val", points: val, style: Self.validationStyle)) }
        }
        var chart = BrailleChart(series: series)
        chart.formatX = { TextLayout.compact($0) }
        chart.yRange = Self.yRange(chosen: chosen, faint: faint)
        return chart
    }

    /// The loss range: everything down to the lowest curve, but cut above at 1.5 times the chosen
    /// trial's highest loss, so one diverging trial does not flatten the curve being looked at.
    static func yRange(chosen: TrialRow?, faint: [BrailleChart.Series]) -> ClosedRange<Double>? {
        guard let c = chosen, !c.curve.isEmpty else { return nil }
        var own: [Double] = []
        for p in c.curve {
            own.append(p.trainLoss)
            if let v = p.validationLoss { own.append(v) }
        }
        own = own.filter(\.isFinite)
        guard var lo = own.min(), var hi = own.max() else { return nil }
        var othersHi = hi
        for s in faint { for p in s.points where p.y.isFinite { lo = min(lo, p.y); othersHi = max(othersHi, p.y) } }
        hi = min(othersHi, hi + max(abs(hi) * 0.5, 0.1))
        if hi <= lo { return nil }
        return lo...hi
    }

    public func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState) {
        let chosen = state.focusTrial(in: snapshot)
        let subtitle = chosen.map { "trial #\($0.id) \($0.status.rawValue)" + (state.table.selected == nil ? " (latest)" : "") }
        let inner = PaneFrame(title: Self.kind.title, subtitle: subtitle, focused: state.focus == Self.kind)
            .draw(into: &canvas, area: area)
        guard !inner.isEmpty else { return }
        guard let chosen else {
            canvas.placeholder("no trials yet", in: inner)
            return
        }
        var body = inner
        if inner.height >= 4 {
            var pieces: [(String, Style)] = [("#\(chosen.id)", .role(.title, .bold)),
                                             (chosen.status.rawValue, Self.statusStyle(chosen))]
            if let last = chosen.curve.last {
                pieces.append(("train \(Format.value(last.trainLoss))", Self.trainStyle))
                if let v = last.validationLoss { pieces.append(("val \(Format.value(v))", Self.validationStyle)) }
                pieces.append(("epoch \(last.epoch)", .role(.dim)))
            } else if chosen.status == .running {
                pieces.append(("first epoch \(Int((snapshot.runningProgress * 100).rounded()))%", .role(.dim)))
            }
            if let a = chosen.accuracy { pieces.append(("acc \(Format.percent(a))%", .plain)) }
            canvas.legend(pieces, in: inner)
            body = inner.inset(top: 1)
        }
        let chart = chart(for: chosen)
        if chart.series.isEmpty {
            canvas.placeholder("no epochs finished yet", in: body)
        } else {
            chart.render(into: &canvas, area: body)
        }
    }
}
