/// What the app needs of a terminal (like ratatui's `Backend`): its size, a way to show a whole
/// canvas, keys read with a timeout, a full repaint on demand, and the colours of a theme.
///
/// `NcursesBackend` talks to the real terminal; `TestBackend` keeps the last screen as text and
/// plays back scripted keys and resizes, so the app's loop is tested without a terminal.
/// Use one from one thread (the UI thread).
public protocol TerminalBackend: AnyObject {
    /// The terminal size now.
    var size: Size { get }
    /// The glyphs canvases for this terminal draw with (Unicode or ASCII).
    var glyphs: GlyphSet { get }
    /// Shows `canvas` (a backend may send only the cells that changed since the last draw).
    func draw(_ canvas: Canvas)
    /// Reads one key, waiting at most `timeoutMs` milliseconds (0: do not wait); `.none` on timeout.
    func readKey(timeoutMs: Int) -> Key
    /// Forgets what is on screen so the next `draw` repaints every cell.
    func invalidate()
    /// Switches colours; the next `draw` repaints every cell.
    func setTheme(_ theme: Theme)
}

extension TerminalBackend {
    /// A blank canvas of the terminal's size with this backend's glyphs.
    public func makeCanvas() -> Canvas { Canvas(size: size, glyphs: glyphs) }
}
