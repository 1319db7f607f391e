import Engine

/// Train and validation loss of one trial (the selected one, else the running one, else the last
/// finished): the training loss at sub-epoch resolution as it is recorded (about 20 points an
/// epoch), the validation loss per epoch, over the recent other trials drawn faint; pruned and
/// failed trials in their own colours.
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

    /// How many of the latest finished trials are searched for faint curves.
    static let recentRows = 512

    /// The chart for trial `chosen`: faint curves of recent others, then its train and validation loss.
    public func chart(for chosen: TrialRow?) -> BrailleChart {
        var series: [BrailleChart.Series] = []
        var n = 0
        var i = snapshot.trials.count - 1
        var faint: [BrailleChart.Series] = []
        // Recent trials only: a tabular study's trials have no curves, and a scan of all of them
        // each frame would cost what the study's size does.
        let oldest = max(0, snapshot.trials.count - Self.recentRows)
        while i >= oldest && n < background {
            let t = snapshot.trials[i]
            i -= 1
            guard t.id != chosen?.id, !t.curve.isEmpty else { continue }
            faint.append(.init(name: "#\(t.id)",
                               points: t.curve.map { (x: Double($0.epoch), y: $0.validationLoss ?? $0.trainLoss) },
                               style: Self.faintStyle(t)))
            n += 1
        }
        series += faint.reversed()
        if let c = chosen {
            let train = Self.trainPoints(c)
            if !train.isEmpty { series.append(.init(name: "train", points: train, style: Self.trainStyle)) }
            let val = c.curve.compactMap { p in p.validationLoss.map { (x: Double(p.epoch), y: $0) } }
            if !val.isEmpty { series.append(.init(name: "val", points: val, style: Self.validationStyle)) }
        }
        var chart = BrailleChart(series: series)
        chart.formatX = { TextLayout.compact($0) }
        chart.yRange = Self.yRange(chosen: chosen, faint: faint)
        return chart
    }

    /// The training loss to draw: the sub-epoch points when the trial has them (x in fractional
    /// epochs, so a running one-epoch trial shows a curve), else one point per finished epoch.
    public static func trainPoints(_ t: TrialRow) -> [(x: Double, y: Double)] {
        if !t.steps.isEmpty { return t.steps.map { (x: $0.epoch, y: $0.loss) } }
        return t.curve.map { (x: Double($0.epoch), y: $0.trainLoss) }
    }

    /// The loss range: everything down to the lowest curve, but cut above at 1.5 times the chosen
    /// trial's highest loss, so one diverging trial does not flatten the curve being looked at.
    static func yRange(chosen: TrialRow?, faint: [BrailleChart.Series]) -> ClosedRange<Double>? {
        guard let c = chosen, !c.curve.isEmpty || !c.steps.isEmpty else { return nil }
        var own: [Double] = trainPoints(c).map(\.y)
        for p in c.curve {
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

    /// A fractional epoch for the legend: "0.45", "2.5".
    static func epochText(_ e: Double) -> String {
        guard e.isFinite else { return "-" }
        var t = String(format: "%.2f", e)
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
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
            let step = chosen.steps.last
            let epoch = chosen.curve.last
            if let train = step?.loss ?? epoch?.trainLoss {
                pieces.append(("train \(Format.value(train))", Self.trainStyle))
            }
            if let v = epoch?.validationLoss { pieces.append(("val \(Format.value(v))", Self.validationStyle)) }
            if let step, step.epoch > Double(epoch?.epoch ?? 0) {
                pieces.append(("epoch \(Self.epochText(step.epoch))", .role(.dim)))
            } else if let epoch {
                pieces.append(("epoch \(epoch.epoch)", .role(.dim)))
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
