import Engine

/// A short message shown in the log row until `until` (seconds on the app's clock).
public struct Flash: Hashable, Sendable {
    public var text: String
    public var until: Double
    public var isWarning: Bool
    public init(text: String, until: Double, isWarning: Bool = false) {
        self.text = text; self.until = until; self.isWarning = isWarning
    }
}

/// What the screen remembers between frames that the engine does not know: focus, zoom,
/// overlays, the trial selection, heatmap options, a flash message, and whether we are quitting.
/// Plain values, so the app redraws only when this or the snapshot changes.
public struct DashboardState: Hashable, Sendable {
    public var focus: PaneKind = .trials
    public var zoomed = false
    public var showHelp = false
    /// The open strategy picker, if any.
    public var picker: StrategyPicker?
    /// Selection and scroll of the trials table. No selection: follow the latest trial.
    public var table = TableState()
    /// Data rows the trials table showed last frame (for page up/down).
    public var tableRows = 10
    /// Numbers in the heatmap cells (key v).
    public var showValues = false
    /// The reduction cell instead of the normal one in the heatmap (key c).
    public var showReduce = false
    /// First heatmap row shown.
    public var heatmapOffset = 0
    public var flash: Flash?
    /// The user asked to quit: `.stop` was sent, waiting for the engine.
    public var quitting = false
    /// The theme in use (shown in the help overlay).
    public var themeName = "default"
    /// How long a flash message stays.
    public static let flashSeconds = 4.0

    public init() {}

    /// The keys' meaning right now.
    public var inputMode: InputMode {
        if picker != nil { return .picker }
        if showHelp { return .help }
        return .normal
    }

    /// Rows of the trials table: the finished trials, then the running one.
    public static func rowCount(_ s: Snapshot) -> Int { s.trials.count + (s.running == nil ? 0 : 1) }

    /// The trial on table row `i` (finished trials first, the running one last).
    public static func row(_ i: Int, in s: Snapshot) -> TrialRow? {
        if i >= 0 && i < s.trials.count { return s.trials[i] }
        if i == s.trials.count { return s.running }
        return nil
    }

    /// The selected trial, nil when nothing is selected.
    public func selectedTrial(in s: Snapshot) -> TrialRow? {
        guard let i = table.selected else { return nil }
        return Self.row(i, in: s)
    }

    /// The trial the Loss pane and the Pareto highlight follow: the selection, else the running
    /// trial, else the last finished one.
    public func focusTrial(in s: Snapshot) -> TrialRow? {
        selectedTrial(in: s) ?? s.running ?? s.trials.last
    }

    /// Drops the flash message once its time is up.
    public mutating func expireFlash(now: Double) {
        if let f = flash, now >= f.until { flash = nil }
    }

    mutating func say(_ text: String, now: Double, warning: Bool = false) {
        flash = Flash(text: text, until: now + Self.flashSeconds, isWarning: warning)
    }

    /// What an action asks of the outside world besides the state change.
    public enum Effect: Hashable, Sendable {
        case send(Command)
        case nextTheme
        case redraw
    }

    /// Applies one key action: changes the UI state and returns the commands for the engine
    /// (and theme/redraw requests for the app). Pure: `now` is the app's clock in seconds.
    public mutating func apply(_ action: KeyAction, snapshot s: Snapshot, now: Double = 0) -> [Effect] {
        if quitting {
            // Only looking around is left while the engine stops.
            switch action {
            case .redraw: return [.redraw]
            case .toggleHelp: showHelp.toggle(); return []
            case .back: showHelp = false; picker = nil; return []
            default: return []
            }
        }
        let count = Self.rowCount(s)
        switch action {
        case .togglePause:
            if s.state == .finished { say("the search has finished", now: now); return [] }
            say(s.state == .paused ? "resuming" : "pausing at the next batch", now: now)
            return [.send(.togglePause)]
        case .move(let d):
            if focus == .operations {
                heatmapOffset = max(0, heatmapOffset + d)
            } else {
                table.move(by: d, count: count)
            }
        case .page(let d):
            let step = max(1, tableRows - 1) * d
            if focus == .operations { heatmapOffset = max(0, heatmapOffset + d * 5) } else { table.move(by: step, count: count) }
        case .selectFirst:
            table.selectFirst(count: count)
        case .selectLast:
            table.selectLast(count: count)
        case .pruneSelected:
            guard let row = selectedTrial(in: s), row.status == .running else {
                say("select the running trial (G or end jumps to it), then x", now: now, warning: true)
                return []
            }
            say("pruning trial #\(row.id)", now: now)
            return [.send(.prune(trialID: row.id))]
        case .openStrategyPicker:
            picker = StrategyPicker(current: s.strategy)
            showHelp = false
        case .pickerMove(let d):
            picker?.move(by: d)
        case .pickerConfirm:
            guard let p = picker else { return [] }
            return pick(p.selected, snapshot: s, now: now)
        case .pickStrategy(let name):
            return pick(name, snapshot: s, now: now)
        case .exportBest:
            let place = s.storagePath.isEmpty ? "beside the storage file" : "beside \(s.storagePath)"
            if s.best == nil {
                say("exporting the best genotype \(place) (no finished trial yet)", now: now)
            } else {
                say("exporting the best genotype \(place)", now: now)
            }
            return [.send(.exportBest(path: nil))]
        case .focusNext:
            focus = focus.next
        case .focusPrevious:
            focus = focus.previous
        case .toggleZoom:
            zoomed.toggle()
        case .back:
            if picker != nil { picker = nil }
            else if showHelp { showHelp = false }
            else if zoomed { zoomed = false }
            else if table.selected != nil { table.selected = nil }
        case .nextTheme:
            return [.nextTheme]
        case .toggleHelp:
            showHelp.toggle()
        case .toggleValues:
            showValues.toggle()
        case .toggleCell:
            if s.operations?.reduce == nil {
                say("only the DARTS space has a reduction cell", now: now)
            } else {
                showReduce.toggle()
            }
        case .quit:
            quitting = true
            showHelp = false
            picker = nil
            say("stopping: the engine finishes its current batch", now: now)
            return [.send(.stop)]
        case .redraw:
            return [.redraw]
        }
        return []
    }

    private mutating func pick(_ name: String, snapshot s: Snapshot, now: Double) -> [Effect] {
        picker = nil
        if name == s.strategy {
            say("already searching with \(name)", now: now)
            return []
        }
        say("switching to \(name) at the next batch", now: now)
        return [.send(.switchStrategy(name))]
    }
}
