import CNcurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the terminal could not be opened.
public struct BackendError: Error, CustomStringConvertible {
    public var description: String
}

/// The only code that talks to ncurses: opens the terminal, blits canvas diffs, maps theme
/// colours to colour pairs, reads keys, and restores the terminal on the way out.
///
/// Use one at a time, from one thread (the UI thread). Typical frame:
/// `var c = backend.makeCanvas(); ...draw...; backend.draw(c); let k = backend.readKey(timeoutMs: 100)`.
public final class NcursesBackend: TerminalBackend {
    public private(set) var theme: Theme
    public private(set) var capability: ColorCapability
    public let glyphs: GlyphSet

    private var screen: OpaquePointer?
    private let utf8: Bool
    private var previous: Canvas?
    private var useDefaultColors = false
    private var maxPairs: Int32 = 0
    private var nextPair: Int32 = 1
    private var pairs: [PairKey: Int32] = [:]
    private var indices: [RGB: Int32] = [:]
    private var styleCache: [Style: (attr: attr_t, pair: Int32)] = [:]

    private struct PairKey: Hashable { var fg: Int32; var bg: Int32 }

    nonisolated(unsafe) private static var active = false

    // ncurses attribute bits (NCURSES_BITS(1, n) with NCURSES_ATTR_SHIFT 8); the header macros do not import.
    private static let aUnderline: attr_t = 1 << 17
    private static let aReverse: attr_t = 1 << 18
    private static let aDim: attr_t = 1 << 20
    private static let aBold: attr_t = 1 << 21

    /// Why the terminal newterm opened cannot hold the dashboard (nil when it can): it needs
    /// cursor addressing (terminfo `cup`).
    static func missingCapability(_ environment: [String: String]) -> String? {
        let cup = tigetstr("cup")
        guard cup == nil || Int(bitPattern: cup) == -1 else { return nil }
        let term = environment["TERM"] ?? "(unset)"
        return "cannot draw the dashboard: TERM=\(term) has no cursor addressing (terminfo 'cup'); "
            + "use a terminal such as TERM=xterm-256color, or --headless"
    }

    /// Opens the terminal: locale, newterm on stdin/stdout, cbreak, noecho, keypad, hidden cursor,
    /// colours when the terminal has them and NO_COLOR is unset.
    public init(theme: Theme = .builtinDefault, environment: [String: String]) throws {
        guard !NcursesBackend.active else { throw BackendError(description: "a terminal backend is already open") }
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw BackendError(description: "standard input and output must be a terminal (use --headless otherwise)")
        }
        setlocale(LC_ALL, "")
        guard let scr = newterm(nil, stdout, stdin) else {
            let term = environment["TERM"] ?? "(unset)"
            throw BackendError(description: "cannot open the terminal: TERM=\(term) is unknown to terminfo (try TERM=xterm-256color or --headless)")
        }
        set_term(scr)
        // A terminal that cannot move the cursor (TERM=dumb, an editor's shell buffer) can only
        // ever rewrite one line: refuse it instead of drawing a dashboard nobody sees.
        if let problem = NcursesBackend.missingCapability(environment) {
            endwin()
            delscreen(scr)
            throw BackendError(description: problem)
        }
        screen = scr
        NcursesBackend.active = true
        self.theme = theme
        self.utf8 = GlyphSet.localeIsUTF8(environment)
        self.glyphs = utf8 ? .unicode : .ascii
        cbreak()
        noecho()
        nonl()
        keypad(stdscr, true)
        intrflush(stdscr, false)
        set_escdelay(25)
        curs_set(0)
        var colors = 0
        if has_colors() {
            start_color()
            useDefaultColors = use_default_colors() == OK
            colors = Int(COLORS)
            maxPairs = COLOR_PAIRS
        }
        capability = ColorCapability.detect(environment: environment, colors: colors)
        if capability == .none { maxPairs = 0 }
    }

    deinit { restore() }

    /// The terminal size now.
    public var size: Size {
        guard NcursesBackend.active, let w = stdscr else { return Size(width: 0, height: 0) }
        return Size(width: Int(getmaxx(w)), height: Int(getmaxy(w)))
    }

    /// Switches colours; the next `draw` repaints every cell.
    public func setTheme(_ t: Theme) {
        theme = t
        styleCache.removeAll()
        invalidate()
    }

    /// Forgets what is on screen so the next `draw` repaints everything (e.g. after a resize).
    public func invalidate() {
        previous = nil
        if NcursesBackend.active { clearok(stdscr, true) }
    }

    /// Draws the cells that changed since the last frame and refreshes the screen.
    public func draw(_ canvas: Canvas) {
        guard NcursesBackend.active, let win = stdscr else { return }
        if previous == nil || previous!.size != canvas.size {
            werase(win)
            clearok(win, true)
            previous = nil
        }
        let maxY = Int(getmaxy(win)), maxX = Int(getmaxx(win))
        var cc = cchar_t()
        var wchars = [wchar_t](repeating: 0, count: 6)
        for ch in canvas.diff(from: previous) where ch.y < maxY && ch.x < maxX {
            let (attr, pairNo) = resolve(ch.cell.style)
            fill(&wchars, ch.cell.char)
            var pair = pairNo
            _ = wchars.withUnsafeBufferPointer { wp in
                setcchar(&cc, wp.baseAddress, attr, Int16(truncatingIfNeeded: min(pair, 32767)), &pair)
            }
            _ = mvwadd_wch(win, Int32(ch.y), Int32(ch.x), &cc)
        }
        previous = canvas
        wnoutrefresh(win)
        doupdate()
    }

    /// Reads one key, waiting at most `timeoutMs` milliseconds (0: do not wait, negative: block).
    public func readKey(timeoutMs: Int) -> Key {
        guard NcursesBackend.active, let win = stdscr else { return .none }
        wtimeout(win, Int32(clamping: timeoutMs))
        var wch: wint_t = 0
        let r = wget_wch(win, &wch)
        if r == ERR { return .none }
        if r == KEY_CODE_YES {
            switch Int32(bitPattern: wch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE:
                invalidate()
                return .resize
            default: return .none
            }
        }
        switch wch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(wch) + 96)))
        default:
            guard let s = Unicode.Scalar(UInt32(wch)) else { return .none }
            return .char(Character(s))
        }
    }

    /// Leaves curses mode and gives the terminal back (idempotent).
    public func restore() {
        guard NcursesBackend.active else { return }
        NcursesBackend.restoreTerminal()
        if let s = screen { delscreen(s); screen = nil }
    }

    /// Ends curses mode if it is on. Only calls `endwin`, so it is usable from `atexit`
    /// and, as terminals go in practice, from a fatal-signal handler.
    public static func restoreTerminal() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    /// Restores the terminal at process exit and on the given signals (then re-raises each
    /// with its default action). Leave SIGINT out if the app handles Ctrl-C itself.
    public static func installRestoreHandlers(signals: [Int32] = [SIGTERM, SIGHUP, SIGQUIT, SIGINT]) {
        atexit { NcursesBackend.restoreTerminal() }
        for s in signals {
            signal(s) { sig in
                NcursesBackend.restoreTerminal()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    // MARK: colours

    private func fill(_ buf: inout [wchar_t], _ ch: Character) {
        var n = 0
        // Cells are one column wide; anything else (wide, control, not ASCII in a non-UTF-8 locale) becomes "?".
        if TextLayout.isSingleWidth(ch, asciiOnly: !utf8) {
            for s in ch.unicodeScalars where n < 5 {
                buf[n] = wchar_t(bitPattern: s.value)
                n += 1
            }
        } else {
            buf[0] = 0x3f
            n = 1
        }
        buf[n] = 0
    }

    private func resolve(_ style: Style) -> (attr_t, Int32) {
        if let hit = styleCache[style] { return hit }
        var attr: attr_t = 0
        if style.attrs.contains(.bold) { attr |= Self.aBold }
        if style.attrs.contains(.dim) { attr |= Self.aDim }
        if style.attrs.contains(.underline) { attr |= Self.aUnderline }
        var reverse = style.attrs.contains(.reverse)
        var pair: Int32 = 0
        if capability == .none {
            // Without colour, a highlighted background (selection, status bar) shows as reverse video.
            if style.bg != .default && style.bg != .role(.background) { reverse.toggle() }
        } else {
            var fg = index(theme.resolve(style.fg, asBackground: false), isBackground: false)
            let bg = index(theme.resolve(style.bg, asBackground: true), isBackground: true)
            if fg == bg && fg >= 0 { fg = Self.contrast(bg) }
            pair = pairNumber(fg: fg, bg: bg)
        }
        if reverse { attr |= Self.aReverse }
        styleCache[style] = (attr, pair)
        return (attr, pair)
    }

    private static func contrast(_ index: Int32) -> Int32 {
        let c = ColorMap.xterm256(Int(index))
        let luma = 299 * Int(c.r) + 587 * Int(c.g) + 114 * Int(c.b)
        return luma > 128_000 ? 0 : 7
    }

    /// Terminal colour index, -1 for the terminal default (or white/black without default colours).
    private func index(_ c: RGB?, isBackground: Bool) -> Int32 {
        guard let c else { return useDefaultColors ? -1 : (isBackground ? 0 : 7) }
        if let i = indices[c] { return i }
        let i = Int32(capability.index(for: c) ?? (isBackground ? 0 : 7))
        indices[c] = i
        return i
    }

    /// A colour pair for (fg, bg), allocated on first use; pair 0 (defaults) once COLOR_PAIRS run out.
    private func pairNumber(fg: Int32, bg: Int32) -> Int32 {
        if fg == -1 && bg == -1 { return 0 }
        let key = PairKey(fg: fg, bg: bg)
        if let p = pairs[key] { return p }
        guard nextPair < maxPairs else { return 0 }
        let p = nextPair
        guard init_extended_pair(p, fg, bg) == OK else { return 0 }
        nextPair += 1
        pairs[key] = p
        return p
    }
}
