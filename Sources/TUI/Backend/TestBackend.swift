/// A terminal in memory (like ratatui's `TestBackend`): it plays back a script of keys, idle
/// reads and resizes, keeps the last drawn screen as text, and counts draws, repaints and theme
/// switches, so `TUIApp`'s loop and every screen can be tested without a terminal or tmux.
///
/// Time is simulated: a read that finds no key advances `clock` by its timeout (one frame), so
/// flash messages expire as they would. Once the script is used up every read times out.
public final class TestBackend: TerminalBackend {
    /// One step of the script; each read of a key takes the next step.
    public enum Step {
        /// The read returns this key at once.
        case key(Key)
        /// The read returns each character of the text as a key, as a paste arrives.
        case text(String)
        /// No key is waiting: the read times out (a frame passes when it was waiting).
        case idle
        /// The terminal takes this size; the read returns `.resize`, as ncurses does.
        case resize(Size)
        /// Runs the closure (say, the engine publishes or ends), then the read times out.
        case call(() -> Void)
    }

    public private(set) var size: Size
    public let glyphs: GlyphSet
    public private(set) var theme: Theme
    /// The steps not played yet.
    public private(set) var script: [Step]
    /// The last canvas drawn (nil before the first draw).
    public private(set) var screen: Canvas?
    /// Draws so far.
    public private(set) var draws = 0
    /// Times the app asked for a full repaint.
    public private(set) var invalidations = 0
    /// Themes set, in order.
    public private(set) var themesSet: [String] = []
    /// Every key read (timeouts excluded) with the number of draws before it.
    public private(set) var reads: [(key: Key, drawsBefore: Int)] = []
    /// Simulated seconds.
    public private(set) var clock: Double = 0
    private var pendingText: [Character] = []

    public init(size: Size = Size(width: 120, height: 40), glyphs: GlyphSet = .unicode, theme: Theme = .builtinDefault,
                script: [Step] = []) {
        self.size = size; self.glyphs = glyphs; self.theme = theme; self.script = script
    }

    /// Adds steps at the end of the script.
    public func append(_ steps: [Step]) { script += steps }

    /// The last screen's rows as text (empty before the first draw).
    public var lines: [String] { screen?.lines() ?? [] }

    /// The last screen as one string.
    public var text: String { screen?.text ?? "" }

    /// Whether every step of the script has been played.
    public var scriptDone: Bool { script.isEmpty && pendingText.isEmpty }

    public func draw(_ canvas: Canvas) {
        screen = canvas
        draws += 1
    }

    public func readKey(timeoutMs: Int) -> Key {
        if !pendingText.isEmpty { return record(.char(pendingText.removeFirst())) }
        guard !script.isEmpty else { return idle(timeoutMs) }
        switch script.removeFirst() {
        case .key(let k): return record(k)
        case .text(let t):
            pendingText = Array(t)
            return pendingText.isEmpty ? idle(timeoutMs) : record(.char(pendingText.removeFirst()))
        case .idle: return idle(timeoutMs)
        case .resize(let s):
            size = s
            return record(.resize)
        case .call(let body):
            body()
            return idle(timeoutMs)
        }
    }

    public func invalidate() { invalidations += 1 }

    public func setTheme(_ t: Theme) {
        theme = t
        themesSet.append(t.name)
        invalidate()
    }

    private func record(_ k: Key) -> Key {
        reads.append((k, draws))
        return k
    }

    private func idle(_ timeoutMs: Int) -> Key {
        clock += Double(max(0, timeoutMs)) / 1000
        return .none
    }
}
