/// A key press as the app sees it, independent of ncurses.
public enum Key: Hashable, Sendable {
    /// A printable character (letters, digits, space, punctuation).
    case char(Character)
    /// A control key, e.g. `ctrl("c")`, carried as its letter.
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    /// The terminal changed size; redraw at the new size.
    case resize
    /// The read timed out.
    case none
}
