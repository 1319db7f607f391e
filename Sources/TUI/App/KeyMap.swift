/// What a key asks for, before it touches any state. `KeyMap.action(for:mode:)` is pure;
/// `DashboardState.apply(_:snapshot:now:)` turns an action into UI changes and engine commands.
public enum KeyAction: Hashable, Sendable {
    /// p or space: pause or resume the search.
    case togglePause
    /// Move the trial selection (or scroll the heatmap when Operations has focus) by rows.
    case move(Int)
    /// Move by a page of rows (+1 down, -1 up).
    case page(Int)
    case selectFirst
    case selectLast
    /// x: prune the selected trial if it is the running one.
    case pruneSelected
    /// s: open the strategy picker.
    case openStrategyPicker
    /// In the picker: move the highlight.
    case pickerMove(Int)
    /// In the picker: take the highlighted strategy.
    case pickerConfirm
    /// In the picker: r, e, t or d take that strategy at once.
    case pickStrategy(String)
    /// e: export the best genotype beside the storage file.
    case exportBest
    case focusNext
    case focusPrevious
    /// enter: zoom the focused pane to the whole screen, or back.
    case toggleZoom
    /// esc: close an overlay, leave zoom, or drop the selection (follow the latest trial).
    case back
    /// T: the next theme from the themes directory.
    case nextTheme
    /// ?: the help overlay.
    case toggleHelp
    /// v: numbers in the heatmap cells.
    case toggleValues
    /// c: normal or reduction cell in the heatmap.
    case toggleCell
    /// q: stop the engine and leave once it has stopped.
    case quit
    /// Resize or ctrl-l: draw everything again.
    case redraw
}

/// Which keys mean what right now.
public enum InputMode: Hashable, Sendable {
    case normal
    /// The help overlay is open.
    case help
    /// The strategy picker is open.
    case picker
}

/// The key map from DESIGN.md, as one pure function plus the help text that documents it.
///
/// `e` means two things in DESIGN.md; here it is resolved by mode: inside the strategy picker
/// r, e, t and d pick random, evolution, tpe and darts; outside it `e` exports the best genotype
/// (and r, t, d do nothing, so a stray key never switches the strategy).
public enum KeyMap {
    public static func action(for key: Key, mode: InputMode) -> KeyAction? {
        switch mode {
        case .help:
            switch key {
            case .char("?"), .escape, .enter: return .toggleHelp
            case .char("q"), .ctrl("c"): return .quit
            case .resize, .ctrl("l"): return .redraw
            default: return nil
            }
        case .picker:
            switch key {
            case .up, .char("k"): return .pickerMove(-1)
            case .down, .char("j"), .tab: return .pickerMove(1)
            case .enter: return .pickerConfirm
            case .escape, .char("s"), .char("q"): return .back
            case .char(let c):
                if let name = StrategyPicker.strategy(forKey: c) { return .pickStrategy(name) }
                return nil
            case .ctrl("c"): return .quit
            case .resize, .ctrl("l"): return .redraw
            default: return nil
            }
        case .normal:
            switch key {
            case .char("p"), .char(" "): return .togglePause
            case .up, .char("k"): return .move(-1)
            case .down, .char("j"): return .move(1)
            case .pageUp: return .page(-1)
            case .pageDown: return .page(1)
            case .home, .char("g"): return .selectFirst
            case .end, .char("G"): return .selectLast
            case .char("x"): return .pruneSelected
            case .char("s"): return .openStrategyPicker
            case .char("e"): return .exportBest
            case .tab: return .focusNext
            case .backTab: return .focusPrevious
            case .enter: return .toggleZoom
            case .escape: return .back
            case .char("T"): return .nextTheme
            case .char("?"), .char("h"): return .toggleHelp
            case .char("v"): return .toggleValues
            case .char("c"): return .toggleCell
            case .char("q"), .ctrl("c"): return .quit
            case .resize, .ctrl("l"): return .redraw
            default: return nil
            }
        }
    }

    /// The help overlay's lines (ASCII only, so they read the same in every locale).
    public static let helpLines: [String] = [
        "p, space      pause / resume the search",
        "up/down, j/k  select a trial (pgup/pgdn, g/G: jump)",
        "esc           back; with nothing open: follow the latest",
        "x             prune the selected running trial",
        "s             strategy picker; in it r, e, t, d pick",
        "              random, evolution, tpe, darts (enter: take)",
        "e             export the best genotype beside the storage",
        "              (in the picker, e picks evolution instead)",
        "tab           focus the next pane (shift-tab: previous)",
        "enter         zoom the focused pane (enter/esc: back)",
        "v             show heatmap weights as numbers",
        "c             normal / reduction cell in Operations",
        "up/down       scroll the heatmap when Operations has focus",
        "T             next theme",
        "?             this help",
        "q             quit (the engine stops at the next batch)",
    ]
}
