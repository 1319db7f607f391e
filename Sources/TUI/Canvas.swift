/// One character cell: a Character drawn with a Style.
public struct Cell: Hashable, Sendable {
    public var char: Character
    public var style: Style
    public init(_ char: Character = " ", style: Style = .plain) { self.char = char; self.style = style }
    public static let blank = Cell()
}

/// A cell that differs between two canvases.
public struct CellChange: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cell: Cell
}

/// An in-memory grid of cells that widgets draw into and the backend blits (like ratatui's Buffer).
///
/// All coordinates are absolute. Every write is clipped to the canvas and to `clip`;
/// `withClip(_:_:)` narrows the clip for a block of drawing. `lines()` and `text` render the grid
/// as plain strings so tests can assert whole panes.
public struct Canvas: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// The glyphs widgets draw with (Unicode or ASCII).
    public var glyphs: GlyphSet
    /// Writes outside this rect are dropped.
    public private(set) var clip: Rect

    public init(width: Int, height: Int, glyphs: GlyphSet = .unicode, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.glyphs = glyphs
        self.cells = Array(repeating: fill, count: self.width * self.height)
        self.clip = Rect(x: 0, y: 0, width: self.width, height: self.height)
    }

    public init(size: Size, glyphs: GlyphSet = .unicode) {
        self.init(width: size.width, height: size.height, glyphs: glyphs)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }
    public var size: Size { Size(width: width, height: height) }

    // MARK: cells

    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .blank }
            return cells[y * width + x]
        }
        set { set(x: x, y: y, newValue) }
    }

    /// Writes one cell if it lies inside the clip.
    public mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard clip.contains(x: x, y: y) else { return }
        cells[y * width + x] = cell
    }

    /// Writes one character if it lies inside the clip.
    public mutating func set(x: Int, y: Int, char: Character, style: Style = .plain) {
        set(x: x, y: y, Cell(char, style: style))
    }

    /// Changes only the style of a cell (keeps its character).
    public mutating func setStyle(x: Int, y: Int, _ style: Style) {
        guard clip.contains(x: x, y: y) else { return }
        cells[y * width + x].style = style
    }

    /// Runs `body` with writes restricted to `rect` (intersected with the current clip).
    public mutating func withClip(_ rect: Rect, _ body: (inout Canvas) -> Void) {
        let saved = clip
        clip = clip.intersection(rect)
        body(&self)
        clip = saved
    }

    /// Resets every cell to blank.
    public mutating func clear(_ cell: Cell = .blank) {
        for i in cells.indices { cells[i] = cell }
    }

    /// Fills a rect (clipped) with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(clip)
        guard !r.isEmpty else { return }
        for y in r.minY..<r.maxY {
            for x in r.minX..<r.maxX { cells[y * width + x] = cell }
        }
    }

    // MARK: text

    /// Draws `string` from `(x, y)` to the right, one cell per Character, clipped.
    /// Control characters become spaces. Returns the column after the last character.
    @discardableResult
    public mutating func put(_ string: String, x: Int, y: Int, style: Style = .plain) -> Int {
        var cx = x
        guard y >= clip.minY, y < clip.maxY else { return x + string.count }
        for ch in string {
            if cx >= clip.maxX { cx += 1; continue }
            if cx >= clip.minX {
                let c: Character = (ch.isNewline || ch.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7f } == true) ? " " : ch
                cells[y * width + cx] = Cell(c, style: style)
            }
            cx += 1
        }
        return cx
    }

    /// Draws `string` at a point, clipped (see `put(_:x:y:style:)`).
    @discardableResult
    public mutating func put(string: String, at p: Point, style: Style = .plain) -> Int {
        put(string, x: p.x, y: p.y, style: style)
    }

    /// Draws `string` truncated with an ellipsis to at most `width` cells.
    @discardableResult
    public mutating func put(_ string: String, x: Int, y: Int, maxWidth: Int, style: Style = .plain) -> Int {
        put(TextLayout.truncate(string, width: maxWidth, ellipsis: glyphs.ellipsis), x: x, y: y, style: style)
    }

    /// Draws `string` inside one row of `rect`, aligned and truncated to its width.
    public mutating func put(_ string: String, in rect: Rect, row: Int = 0,
                             alignment: TextLayout.Alignment = .left, style: Style = .plain) {
        guard !rect.isEmpty, row >= 0, row < rect.height else { return }
        let t = TextLayout.truncate(string, width: rect.width, ellipsis: glyphs.ellipsis)
        let x: Int
        switch alignment {
        case .left: x = rect.x
        case .right: x = rect.maxX - t.count
        case .center: x = rect.x + (rect.width - t.count) / 2
        }
        withClip(rect) { $0.put(t, x: x, y: rect.y + row, style: style) }
    }

    // MARK: lines and boxes

    public mutating func horizontalLine(x: Int, y: Int, length: Int, char: Character? = nil, style: Style = .plain) {
        guard length > 0 else { return }
        let c = char ?? glyphs.horizontal
        for i in 0..<length { set(x: x + i, y: y, char: c, style: style) }
    }

    public mutating func verticalLine(x: Int, y: Int, length: Int, char: Character? = nil, style: Style = .plain) {
        guard length > 0 else { return }
        let c = char ?? glyphs.vertical
        for i in 0..<length { set(x: x, y: y + i, char: c, style: style) }
    }

    /// Draws a border around `rect` with an optional title at the top left (`┌ Title ──┐`)
    /// and returns the inner rect. Rects smaller than 2x2 get no border and are returned as is.
    @discardableResult
    public mutating func box(_ rect: Rect, title: String? = nil, style: Style = .role(.border),
                             titleStyle: Style = .role(.title, .bold)) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return rect }
        let g = glyphs
        let r = rect.maxX - 1, b = rect.maxY - 1
        horizontalLine(x: rect.x + 1, y: rect.y, length: rect.width - 2, style: style)
        horizontalLine(x: rect.x + 1, y: b, length: rect.width - 2, style: style)
        verticalLine(x: rect.x, y: rect.y + 1, length: rect.height - 2, style: style)
        verticalLine(x: r, y: rect.y + 1, length: rect.height - 2, style: style)
        set(x: rect.x, y: rect.y, char: g.topLeft, style: style)
        set(x: r, y: rect.y, char: g.topRight, style: style)
        set(x: rect.x, y: b, char: g.bottomLeft, style: style)
        set(x: r, y: b, char: g.bottomRight, style: style)
        if let title, !title.isEmpty, rect.width > 4 {
            let t = TextLayout.truncate(title, width: rect.width - 4, ellipsis: g.ellipsis)
            put(" " + t + " ", x: rect.x + 1, y: rect.y, style: titleStyle)
        }
        return rect.inset(by: 1)
    }

    // MARK: testing and diffing

    /// Each row as a string (trailing spaces kept), like ratatui's TestBackend.
    public func lines() -> [String] {
        (0..<height).map { row($0) }
    }

    /// All rows joined with newlines.
    public var text: String { lines().joined(separator: "\n") }

    /// The characters of one row in `[x, x+length)`.
    public func row(_ y: Int, from x: Int = 0, length: Int? = nil) -> String {
        let n = max(0, length ?? (width - x))
        var s = ""
        s.reserveCapacity(n * 3)
        guard y >= 0 && y < height else { return String(repeating: " ", count: n) }
        for cx in x..<(x + n) {
            s.append(cx >= 0 && cx < width ? cells[y * width + cx].char : " ")
        }
        return s
    }

    /// The cells that must be redrawn to turn `old` into this canvas (every cell when sizes differ).
    public func diff(from old: Canvas?) -> [CellChange] {
        var out: [CellChange] = []
        guard let old, old.width == width, old.height == height else {
            out.reserveCapacity(cells.count)
            for y in 0..<height { for x in 0..<width { out.append(CellChange(x: x, y: y, cell: cells[y * width + x])) } }
            return out
        }
        for i in cells.indices where cells[i] != old.cells[i] {
            out.append(CellChange(x: i % width, y: i / width, cell: cells[i]))
        }
        return out
    }
}

/// Something that draws itself into a rect of a canvas from plain values (like a ratatui Widget).
public protocol Widget {
    func render(into canvas: inout Canvas, area: Rect)
}
