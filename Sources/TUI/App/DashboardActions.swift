import Engine

extension DashboardState {
    /// Applies one key action: changes the UI state and returns the commands for the engine
    /// (and theme, redraw and leave requests for the app). Pure: `now` is the app's clock in
    /// seconds, `validate` checks an architecture submitted at the prompt (nil: valid, else the
    /// message the prompt shows).
    public mutating func apply(_ action: KeyAction, snapshot s: Snapshot, now: Double = 0,
                               validate: (String) -> String? = { _ in nil }) -> [Effect] {
        if quitting {
            // Only looking around is left while the engine stops.
            switch action {
            case .redraw: return [.redraw]
            case .toggleHelp: showHelp.toggle(); return []
            case .back: showHelp = false; picker = nil; comparePicker = nil; prompt = nil; return []
            default: return []
            }
        }
        let mode = connection(s)
        if mode == .view, let what = Self.changes(action) {
            say("read-only view: \(what) would change the study (nas-tui attach steers it)", now: now, warning: true)
            return []
        }
        let count = Self.rowCount(s)
        switch action {
        case .togglePause:
            if s.state == .finished { say("the search has finished (+ raises the budget to go on)", now: now); return [] }
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
            return prune(snapshot: s, now: now)
        case .openStrategyPicker:
            picker = StrategyPicker(current: s.strategy, available: s.strategies)
            showHelp = false
        case .pickerMove(let d):
            if picker != nil { picker?.move(by: d) } else { comparePicker?.move(by: d) }
        case .pickerConfirm:
            if let p = picker { return pick(p.selected, snapshot: s, now: now) }
            if let c = comparePicker { return compare(c.selected, snapshot: s, now: now) }
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
        case .changeBudget(let direction):
            return changeBudget(direction, snapshot: s, now: now)
        case .openEnqueuePrompt:
            showHelp = false
            prompt = LinePrompt(title: "Enqueue an architecture",
                                hint: "a DARTS Genotype(...), an NB201 |...| string or genotype JSON" +
                                    (s.space.isEmpty ? "" : " (space \(s.space))"),
                                footer: "enter enqueues  esc cancels  left/right, home/end move")
        case .openComparePicker:
            guard !s.otherStudies.isEmpty else {
                say("no other study in \(s.storagePath.isEmpty ? "the storage" : s.storagePath) to compare with", now: now, warning: true)
                return []
            }
            showHelp = false
            comparePicker = ComparePicker(studies: s.otherStudies, current: s.comparison?.study)
        case .promptInsert(let c): prompt?.insert(c)
        case .promptBackspace: prompt?.backspace()
        case .promptDelete: prompt?.deleteForward()
        case .promptMove(let d): prompt?.move(by: d)
        case .promptHome: prompt?.home()
        case .promptEnd: prompt?.end()
        case .promptClear: prompt?.clear()
        case .promptSubmit:
            return submitPrompt(snapshot: s, now: now, validate: validate)
        case .focusNext:
            focus = focus.next
        case .focusPrevious:
            focus = focus.previous
        case .toggleZoom:
            zoomed.toggle()
        case .back:
            if prompt != nil { prompt = nil }
            else if picker != nil { picker = nil }
            else if comparePicker != nil { comparePicker = nil }
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
            showHelp = false
            picker = nil
            comparePicker = nil
            prompt = nil
            if mode != .run {
                say("leaving; the study goes on", now: now)
                return [.leave]
            }
            quitting = true
            say("stopping: the engine finishes its current batch", now: now)
            return [.send(.stop)]
        case .redraw:
            return [.redraw]
        }
        return []
    }

    /// What an action would change in the study, for the read-only view's refusal; nil when it
    /// only changes the screen.
    static func changes(_ action: KeyAction) -> String? {
        switch action {
        case .togglePause: return "pausing or resuming"
        case .pruneSelected: return "pruning"
        case .openStrategyPicker, .pickStrategy: return "switching the strategy"
        case .exportBest: return "exporting"
        case .changeBudget: return "changing the budget"
        case .openEnqueuePrompt, .promptSubmit: return "enqueuing"
        default: return nil
        }
    }

    /// x: the selected trial if it runs; with no selection the running trial when only one runs.
    private mutating func prune(snapshot s: Snapshot, now: Double) -> [Effect] {
        let target: TrialRow
        if let row = selectedTrial(in: s) {
            guard row.status == .running else {
                say("trial #\(row.id) is not running: select a running trial (G or end jumps to the last)", now: now, warning: true)
                return []
            }
            target = row
        } else {
            switch s.runningTrials.count {
            case 0:
                say("no trial is running", now: now, warning: true)
                return []
            case 1:
                target = s.runningTrials[0]
            default:
                say("\(s.runningTrials.count) trials are running: select the trial to prune (G or end jumps to the last)",
                    now: now, warning: true)
                return []
            }
        }
        say("pruning trial #\(target.id)", now: now)
        return [.send(.prune(trialID: target.id))]
    }

    private mutating func pick(_ name: String, snapshot s: Snapshot, now: Double) -> [Effect] {
        picker = nil
        if !s.strategies.isEmpty && !s.strategies.contains(name) {
            say("\(name) is not available here; offered: \(s.strategies.joined(separator: ", "))", now: now, warning: true)
            return []
        }
        if name == s.strategy {
            say("already searching with \(name)", now: now)
            return []
        }
        say("switching to \(name) at the next batch", now: now)
        return [.send(.switchStrategy(name))]
    }

    private mutating func compare(_ study: String?, snapshot s: Snapshot, now: Double) -> [Effect] {
        comparePicker = nil
        say(study.map { "comparing with \($0)" } ?? "comparison removed", now: now)
        return [.send(.compare(study: study))]
    }

    /// + and -: one step of a tenth of the budget (at least 1); never below the finished trials.
    private mutating func changeBudget(_ direction: Int, snapshot s: Snapshot, now: Double) -> [Effect] {
        let step = Self.budgetStep(s)
        let by: Int
        if direction >= 0 {
            by = step
        } else {
            let floor = max(1, s.finishedTrials)
            guard s.budget > floor else {
                say("the budget (\(s.budget)) cannot go below the \(s.finishedTrials) finished trials", now: now, warning: true)
                return []
            }
            by = max(-step, floor - s.budget)
        }
        let continues = s.state == .finished && by > 0 ? "; the study goes on" : ""
        say("budget \(s.budget) to \(s.budget + by) trials (\(by > 0 ? "+" : "")\(by))\(continues)", now: now)
        return [.send(.changeBudget(by: by))]
    }

    private mutating func submitPrompt(snapshot s: Snapshot, now: Double, validate: (String) -> String?) -> [Effect] {
        guard let p = prompt else { return [] }
        let text = p.string.trimmingWhitespace()
        if text.isEmpty {
            prompt?.error = "type or paste an architecture first"
            return []
        }
        if let error = validate(text) {
            prompt?.error = error
            return []
        }
        prompt = nil
        say("enqueued \(text): it is evaluated next", now: now)
        return [.send(.enqueue(architecture: text))]
    }
}
