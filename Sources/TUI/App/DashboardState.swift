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

/// What the screen remembers between frames that the engine does not know: how it is connected
/// (run, attach, view), focus, zoom, overlays, the prompt, the trial selection, heatmap options,
/// a flash message, and whether we are quitting. Plain values, so the app redraws only when this
/// or the snapshot changes. `apply(_:snapshot:now:validate:)` (DashboardActions.swift) turns key
/// actions into changes and engine commands.
public struct DashboardState: Hashable, Sendable {
    /// run: the engine is in this process; attach: keys steer another process's study; view:
    /// read-only, keys that would change the study are refused.
    public var mode: ViewMode = .run
    public var focus: PaneKind = .trials
    public var zoomed = false
    public var showHelp = false
    /// The open strategy picker, if any.
    public var picker: StrategyPicker?
    /// The open comparison picker, if any.
    public var comparePicker: ComparePicker?
    /// The open enqueue prompt, if any.
    public var prompt: LinePrompt?
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

    public init(mode: ViewMode = .run) { self.mode = mode }

    /// How the screen is connected for this snapshot: the app's `mode`, or the snapshot's when
    /// that is more restrictive (run, then attach, then view), so a snapshot built for `view`
    /// is read-only whatever the app was told.
    public func connection(_ s: Snapshot) -> ViewMode {
        func rank(_ m: ViewMode) -> Int { m == .run ? 0 : (m == .attach ? 1 : 2) }
        return rank(s.mode) > rank(mode) ? s.mode : mode
    }

    /// The keys' meaning right now (the prompt first, then the pickers, then help).
    public var inputMode: InputMode {
        if prompt != nil { return .prompt }
        if picker != nil { return .picker }
        if comparePicker != nil { return .comparePicker }
        if showHelp { return .help }
        return .normal
    }

    /// Rows of the trials table: the finished trials, then the running ones.
    public static func rowCount(_ s: Snapshot) -> Int { s.trials.count + s.runningTrials.count }

    /// The trial on table row `i` (finished trials first, the running ones last).
    public static func row(_ i: Int, in s: Snapshot) -> TrialRow? {
        if i >= 0 && i < s.trials.count { return s.trials[i] }
        let r = i - s.trials.count
        if r >= 0 && r < s.runningTrials.count { return s.runningTrials[r] }
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

    /// How many trials one `+` or `-` adds or takes: a tenth of the budget, at least 1.
    public static func budgetStep(_ s: Snapshot) -> Int { max(1, s.budget / 10) }

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
        /// Leave the screen now (attach and view: the study goes on without us).
        case leave
    }
}
