/// A one-line text prompt (key a: an architecture to enqueue): typing and pasting insert at the
/// cursor, backspace and delete remove, left/right/home/end move, esc cancels, enter submits.
/// The text scrolls sideways so the cursor stays in view; an error from the validator is shown
/// under the text until the next edit.
public struct LinePrompt: Hashable, Sendable {
    public var title: String
    /// What the prompt asks for, shown under the text while there is no error.
    public var hint: String
    /// The keys, on the last row.
    public var footer: String
    public private(set) var text: [Character] = []
    /// Insertion point, 0...text.count.
    public private(set) var cursor = 0
    /// Why the last submit was refused.
    public var error: String?

    public init(title: String, hint: String, footer: String = "enter takes  esc cancels  left/right, home/end move") {
        self.title = title; self.hint = hint; self.footer = footer
    }

    public var string: String { String(text) }

    public mutating func insert(_ c: Character) {
        // Pasted newlines and tabs become spaces: the prompt is one line.
        let ch: Character = c.isNewline || c == "\t" ? " " : c
        text.insert(ch, at: cursor)
        cursor += 1
        error = nil
    }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        text.remove(at: cursor - 1)
        cursor -= 1
        error = nil
    }

    public mutating func deleteForward() {
        guard cursor < text.count else { return }
        text.remove(at: cursor)
        error = nil
    }

    public mutating func move(by d: Int) { cursor = min(max(0, cursor + d), text.count) }
    public mutating func home() { cursor = 0 }
    public mutating func end() { cursor = text.count }

    public mutating func clear() {
        text = []
        cursor = 0
        error = nil
    }

    /// The first character shown when the text field is `width` cells wide: the cursor stays in
    /// view, with the end of the text in view when the cursor is at the end.
    public func scroll(width: Int) -> Int {
        let w = max(1, width)
        return max(0, cursor - w + 1)
    }

    /// Draws the prompt as a box at the bottom of `area`: the title, "> " and the text with the
    /// cursor cell highlighted, then the error (or the hint), then the keys.
    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard area.width >= 8, area.height >= 3 else { return }
        let height = min(area.height, 5)
        let width = min(area.width, max(40, min(area.width - 4, 100)))
        let frame = Rect(x: area.x + (area.width - width) / 2, y: area.maxY - height, width: width, height: height)
        canvas.fill(frame)
        let inner = canvas.box(frame, title: title, style: .role(.borderFocus)).inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        let field = Rect(x: inner.x + 2, y: inner.y, width: max(0, inner.width - 2), height: 1)
        canvas.put(">", x: inner.x, y: inner.y, style: .role(.accent, .bold))
        let first = scroll(width: field.width)
        let shown = String(text.dropFirst(first).prefix(field.width))
        canvas.withClip(field) { c in
            c.put(shown, x: field.x, y: field.y)
            let cx = field.x + cursor - first
            if cx < field.maxX {
                c.setStyle(x: cx, y: field.y, Style(fg: .role(.selectionText), bg: .role(.selection)))
            }
        }
        if inner.height >= 2 {
            if let error {
                canvas.put(error, in: inner, row: 1, style: .role(.warning, .bold))
            } else {
                canvas.put(hint, in: inner, row: 1, style: .role(.dim))
            }
        }
        if inner.height >= 3 {
            canvas.put(footer, in: inner, row: 2, style: .role(.dim))
        }
    }
}
