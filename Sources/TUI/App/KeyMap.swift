/// What a key asks for, before it touches any state. `KeyMap.action(for:mode:)` is pure;
/// `DashboardState.apply(_:snapshot:now:validate:)` turns an action into UI changes and engine commands.
public enum KeyAction: Hashable, Sendable {
    /// p or space: pause or resume the search.
    case togglePause
    /// Move the trial selection (or scroll the heatmap when Operations has focus) by rows.
    case move(Int)
    /// Move by a page of rows (+1 down, -1 up).
    case page(Int)
    case selectFirst
    case selectLast
    /// x: prune the selected running trial, or the running trial when only one runs.
    case pruneSelected
    /// s: open the strategy picker.
    case openStrategyPicker
    /// In a picker: move the highlight.
    case pickerMove(Int)
    /// In a picker: take the highlighted entry.
    case pickerConfirm
    /// In the strategy picker: r, e, t, d or h take that strategy at once.
    case pickStrategy(String)
    /// e: export the best genotype beside the storage file.
    case exportBest
    /// + or -: raise (+1) or lower (-1) the budget by one step (a tenth of it, at least 1 trial).
    case changeBudget(Int)
    /// a: open the prompt for an architecture to enqueue.
    case openEnqueuePrompt
    /// C: open the picker of other studies to compare with.
    case openComparePicker
    /// In the prompt: insert a character at the cursor.
    case promptInsert(Character)
    case promptBackspace
    case promptDelete
    /// In the prompt: move the cursor by characters.
    case promptMove(Int)
    case promptHome
    case promptEnd
    /// In the prompt: ctrl-u empties the line.
    case promptClear
    /// In the prompt: enter validates and sends the text.
    case promptSubmit
    case focusNext
    case focusPrevious
    /// enter: zoom the focused pane to the whole screen, or back.
    case toggleZoom
    /// esc: close an overlay or the prompt, leave zoom, or drop the selection (follow the latest trial).
    case back
    /// T: the next theme from the themes directory.
    case nextTheme
    /// ?: the help overlay.
    case toggleHelp
    /// v: numbers in the heatmap cells.
    case toggleValues
    /// c: normal or reduction cell in the heatmap.
    case toggleCell
    /// q: stop the engine and leave once it has stopped (attach, view: leave at once).
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
    /// The comparison picker is open.
    case comparePicker
    /// The one-line prompt takes the keys.
    case prompt
}

/// The key map from DESIGN.md, as one pure function plus the help text that documents it.
///
/// `e` means two things in DESIGN.md; here it is resolved by mode: inside the strategy picker
/// r, e, t, d and h pick random, evolution, tpe, darts and hyperband; outside it `e` exports the
/// best genotype (and r, t, d do nothing, so a stray key never switches the strategy).
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
        case .picker, .comparePicker:
            switch key {
            case .up, .char("k"): return .pickerMove(-1)
            case .down, .char("j"), .tab: return .pickerMove(1)
            case .enter: return .pickerConfirm
            case .escape, .char("q"): return .back
            case .char("s") where mode == .picker: return .back
            case .char("C") where mode == .comparePicker: return .back
            case .char(let c) where mode == .picker:
                if let name = StrategyPicker.strategy(forKey: c) { return .pickStrategy(name) }
                return nil
            case .ctrl("c"): return .quit
            case .resize, .ctrl("l"): return .redraw
            default: return nil
            }
        case .prompt:
            switch key {
            case .char(let c): return .promptInsert(c)
            case .backspace, .ctrl("h"): return .promptBackspace
            case .ctrl("d"): return .promptDelete
            case .left, .ctrl("b"): return .promptMove(-1)
            case .right, .ctrl("f"): return .promptMove(1)
            case .home, .ctrl("a"): return .promptHome
            case .end, .ctrl("e"): return .promptEnd
            case .ctrl("u"): return .promptClear
            case .enter: return .promptSubmit
            case .escape: return .back
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
            case .char("+"), .char("="): return .changeBudget(1)
            case .char("-"), .char("_"): return .changeBudget(-1)
            case .char("a"): return .openEnqueuePrompt
            case .char("C"): return .openComparePicker
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
        "x             prune the selected running trial (with no",
        "              selection: the running one, if only one runs)",
        "s             strategy picker; in it r, e, t, d, h pick",
        "              random, evolution, tpe, darts, hyperband",
        "e             export the best genotype beside the storage",
        "              (in the picker, e picks evolution instead)",
        "+ / -         raise / lower the budget by a tenth of it",
        "              (at least 1 trial); a finished study goes on",
        "a             enqueue an architecture (type or paste it)",
        "C             compare with another study of the storage",
        "tab           focus the next pane (shift-tab: previous)",
        "enter         zoom the focused pane (enter/esc: back)",
        "v             show heatmap weights as numbers",
        "c             normal / reduction cell in Operations",
        "up/down       scroll the heatmap when Operations has focus",
        "T             next theme",
        "?             this help",
        "q             quit (the engine stops at the next batch;",
        "              attach and view: leave, the study runs on)",
    ]
}
