/// The ncurses front end: a cell canvas that panes draw into, themes, and a backend that blits.
public enum TUI {}
