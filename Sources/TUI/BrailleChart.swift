/// A line or scatter chart drawn with braille dots (2x4 per cell) or, in ASCII, one point per cell.
///
/// Series are drawn in order over optional vertical markers and reference lines; the y range is
/// labelled at the left edge and the x range on the bottom row when there is room.
public struct BrailleChart: Widget {
    /// One data series.
    public struct Series {
        public enum Kind: Sendable { case line, scatter }
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var kind: Kind
        public var style: Style
        public init(name: String = "", points: [(x: Double, y: Double)], kind: Kind = .line,
                    style: Style = Style(fg: .series(0))) {
            self.name = name; self.points = points; self.kind = kind; self.style = style
        }
        /// A series over x = 0, 1, 2, ... (e.g. a loss per epoch).
        public init(name: String = "", values: [Double], kind: Kind = .line, style: Style = Style(fg: .series(0))) {
            self.init(name: name, points: values.enumerated().map { (x: Double($0.offset), y: $0.element) },
                      kind: kind, style: style)
        }
    }

    /// A labelled vertical line at an x value (e.g. a strategy switch).
    public struct Marker {
        public var x: Double
        public var label: String
        public var style: Style
        public init(x: Double, label: String = "", style: Style = Style(fg: .role(.marker), attrs: .dim)) {
            self.x = x; self.label = label; self.style = style
        }
    }

    /// A dashed line at a fixed y (horizontal) or x (vertical) value (e.g. a latency target).
    public struct ReferenceLine {
        public enum Orientation: Sendable { case horizontal, vertical }
        public var orientation: Orientation
        public var value: Double
        public var label: String
        public var style: Style
        public init(_ orientation: Orientation, at value: Double, label: String = "",
                    style: Style = Style(fg: .role(.reference))) {
            self.orientation = orientation; self.value = value; self.label = label; self.style = style
        }
    }

    public var series: [Series]
    public var markers: [Marker] = []
    public var references: [ReferenceLine] = []
    /// Axis ranges; nil means "fit the data" (including markers and references).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var showAxisLabels = true
    public var labelStyle: Style = .role(.dim)
    public var formatX: (Double) -> String = TextLayout.compact
    public var formatY: (Double) -> String = TextLayout.compact

    public init(series: [Series], markers: [Marker] = [], references: [ReferenceLine] = [],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.series = series; self.markers = markers; self.references = references
        self.xRange = xRange; self.yRange = yRange
    }

    // MARK: ranges

    /// The x and y ranges used for drawing: the given ones, or the data's extent (never zero-width).
    public func resolvedRanges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs: [Double] = [], ys: [Double] = []
        for s in series { for p in s.points where p.x.isFinite && p.y.isFinite { xs.append(p.x); ys.append(p.y) } }
        xs += markers.map(\.x).filter(\.isFinite)
        for r in references where r.value.isFinite {
            if r.orientation == .horizontal { ys.append(r.value) } else { xs.append(r.value) }
        }
        func fit(_ v: [Double], _ given: ClosedRange<Double>?) -> ClosedRange<Double> {
            var lo = given?.lowerBound ?? v.min() ?? 0
            var hi = given?.upperBound ?? v.max() ?? 1
            if !lo.isFinite { lo = 0 }
            if !hi.isFinite { hi = lo + 1 }
            if hi < lo { swap(&lo, &hi) }
            if hi == lo { let pad = lo == 0 ? 1 : abs(lo) * 0.05; lo -= pad; hi += pad }
            return lo...hi
        }
        return (fit(xs, xRange), fit(ys, yRange))
    }

    // MARK: render

    /// Where `render` puts the data inside `area` (inside the axis labels) and the ranges it uses.
    public func plotLayout(in area: Rect) -> (plot: Rect, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let (xr, yr) = resolvedRanges()
        guard showAxisLabels else { return (area, xr, yr) }
        let gutter = max(formatY(yr.upperBound).count, formatY(yr.lowerBound).count) + 1
        guard area.width - gutter >= 4 && area.height >= 3 else { return (area, xr, yr) }
        return (area.inset(bottom: 1).inset(left: gutter), xr, yr)
    }

    /// The cell a data point lands in when the chart is drawn into `area` with `glyphs`
    /// (nil when it falls outside the plot), so callers can overlay a marker on it.
    public func cell(x: Double, y: Double, in area: Rect, glyphs: GlyphSet) -> Point? {
        let (plot, xr, yr) = plotLayout(in: area)
        guard !plot.isEmpty else { return nil }
        let sx = glyphs.braille ? 2 : 1, sy = glyphs.braille ? 4 : 1
        guard let fx = Self.scale(x, xr, plot.width * sx, flip: false),
              let fy = Self.scale(y, yr, plot.height * sy, flip: true) else { return nil }
        let dx = Int(fx.rounded()), dy = Int(fy.rounded())
        guard dx >= 0, dy >= 0, dx < plot.width * sx, dy < plot.height * sy else { return nil }
        return Point(x: plot.x + dx / sx, y: plot.y + dy / sy)
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return }
        let (plot, xr, yr) = plotLayout(in: area)
        var yLabels: (String, String)? = nil
        var xLabels: (String, String)? = nil
        if plot != area {
            yLabels = (formatY(yr.upperBound), formatY(yr.lowerBound))
            xLabels = (formatX(xr.lowerBound), formatX(xr.upperBound))
        }
        canvas.withClip(area) { c in
            if let (top, bottom) = yLabels {
                c.put(top, x: area.x, y: plot.y, style: labelStyle)
                if plot.height > 1 { c.put(bottom, x: area.x, y: plot.maxY - 1, style: labelStyle) }
            }
            if let (lo, hi) = xLabels {
                let y = area.maxY - 1
                c.put(lo, x: plot.x, y: y, style: labelStyle)
                if hi.count + lo.count + 1 <= plot.width {
                    c.put(hi, x: plot.maxX - hi.count, y: y, style: labelStyle)
                }
            }
            c.withClip(plot) { pc in
                drawGuides(&pc, plot: plot, xr: xr, yr: yr, labels: false)
                if pc.glyphs.braille {
                    drawBraille(&pc, plot: plot, xr: xr, yr: yr)
                } else {
                    drawASCII(&pc, plot: plot, xr: xr, yr: yr)
                }
                drawGuides(&pc, plot: plot, xr: xr, yr: yr, labels: true)
            }
        }
    }

    /// Column (in `0..<cols`) for x, or nil if outside the range.
    static func scale(_ v: Double, _ r: ClosedRange<Double>, _ n: Int, flip: Bool) -> Double? {
        guard v.isFinite, n > 0 else { return nil }
        let t = (v - r.lowerBound) / (r.upperBound - r.lowerBound)
        let u = flip ? 1 - t : t
        return u * Double(n - 1)
    }

    /// Markers and reference lines: the lines go under the data (`labels: false`), the labels over it.
    private func drawGuides(_ c: inout Canvas, plot: Rect, xr: ClosedRange<Double>, yr: ClosedRange<Double>, labels: Bool) {
        let g = c.glyphs
        for m in markers {
            guard let fx = Self.scale(m.x, xr, plot.width, flip: false), fx >= -0.5, fx <= Double(plot.width) - 0.5 else { continue }
            let x = plot.x + Int(fx.rounded())
            if !labels {
                c.verticalLine(x: x, y: plot.y, length: plot.height, char: g.vertical, style: m.style)
            } else if !m.label.isEmpty {
                let room = plot.maxX - x - 1
                if room >= 1 { c.put(m.label, x: x + 1, y: plot.y, maxWidth: room, style: m.style) }
            }
        }
        for r in references {
            switch r.orientation {
            case .horizontal:
                guard let fy = Self.scale(r.value, yr, plot.height, flip: true), fy >= -0.5, fy <= Double(plot.height) - 0.5 else { continue }
                let y = plot.y + Int(fy.rounded())
                if !labels {
                    c.horizontalLine(x: plot.x, y: y, length: plot.width, char: g.dashHorizontal, style: r.style)
                } else if !r.label.isEmpty {
                    c.put(r.label, x: plot.maxX - min(r.label.count, plot.width), y: y, maxWidth: plot.width, style: r.style)
                }
            case .vertical:
                guard let fx = Self.scale(r.value, xr, plot.width, flip: false), fx >= -0.5, fx <= Double(plot.width) - 0.5 else { continue }
                let x = plot.x + Int(fx.rounded())
                if !labels {
                    c.verticalLine(x: x, y: plot.y, length: plot.height, char: g.dashVertical, style: r.style)
                } else if !r.label.isEmpty {
                    let room = plot.maxX - x - 1
                    if room >= 1 { c.put(r.label, x: x + 1, y: plot.maxY - 1, maxWidth: room, style: r.style) }
                }
            }
        }
    }

    /// Bit of a braille dot at (column 0/1, row 0...3) within a cell.
    static func brailleBit(dx: Int, dy: Int) -> UInt8 {
        let left: [UInt8] = [0x01, 0x02, 0x04, 0x40]
        let right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
        return dx == 0 ? left[dy] : right[dy]
    }

    private func drawBraille(_ c: inout Canvas, plot: Rect, xr: ClosedRange<Double>, yr: ClosedRange<Double>) {
        let dw = plot.width * 2, dh = plot.height * 4
        var bits = [UInt8](repeating: 0, count: plot.width * plot.height)
        var styles = [Style?](repeating: nil, count: plot.width * plot.height)
        for s in series {
            var pts: [(Double, Double)] = []
            pts.reserveCapacity(s.points.count)
            for p in s.points {
                guard let px = Self.scale(p.x, xr, dw, flip: false), let py = Self.scale(p.y, yr, dh, flip: true) else {
                    if s.kind == .line { pts.append((.nan, .nan)) }  // break the line
                    continue
                }
                pts.append((px, py))
            }
            let plotDot = { (x: Int, y: Int) in
                guard x >= 0, y >= 0, x < dw, y < dh else { return }
                let i = (y / 4) * plot.width + x / 2
                bits[i] |= Self.brailleBit(dx: x % 2, dy: y % 4)
                styles[i] = s.style
            }
            if s.kind == .scatter || pts.count == 1 {
                for (x, y) in pts where x.isFinite { plotDot(Int(x.rounded()), Int(y.rounded())) }
            } else {
                for i in 1..<max(1, pts.count) {
                    let a = pts[i - 1], b = pts[i]
                    guard a.0.isFinite, b.0.isFinite else { continue }
                    rasterize(a, b, width: dw, height: dh, plot: plotDot)
                }
            }
        }
        for row in 0..<plot.height {
            for col in 0..<plot.width {
                let i = row * plot.width + col
                guard bits[i] != 0, let st = styles[i] else { continue }
                let ch = Character(Unicode.Scalar(0x2800 + UInt32(bits[i]))!)
                c.set(x: plot.x + col, y: plot.y + row, char: ch, style: st)
            }
        }
    }

    private func drawASCII(_ c: inout Canvas, plot: Rect, xr: ClosedRange<Double>, yr: ClosedRange<Double>) {
        let g = c.glyphs
        for s in series {
            var pts: [(Double, Double)] = []
            for p in s.points {
                guard let px = Self.scale(p.x, xr, plot.width, flip: false),
                      let py = Self.scale(p.y, yr, plot.height, flip: true) else {
                    if s.kind == .line { pts.append((.nan, .nan)) }
                    continue
                }
                pts.append((px, py))
            }
            let put = { (x: Int, y: Int, ch: Character, c: inout Canvas) in
                guard x >= 0, y >= 0, x < plot.width, y < plot.height else { return }
                c.set(x: plot.x + x, y: plot.y + y, char: ch, style: s.style)
            }
            if s.kind == .line && pts.count > 1 {
                for i in 1..<pts.count {
                    let a = pts[i - 1], b = pts[i]
                    guard a.0.isFinite, b.0.isFinite else { continue }
                    rasterize(a, b, width: plot.width, height: plot.height) { x, y in
                        // Do not overwrite data points of this or earlier series with segments.
                        let cur = c[plot.x + x, plot.y + y].char
                        if cur != g.linePoint && cur != g.scatterPoint { put(x, y, g.lineSegment, &c) }
                    }
                }
            }
            let mark = s.kind == .scatter ? g.scatterPoint : g.linePoint
            for (x, y) in pts where x.isFinite { put(Int(x.rounded()), Int(y.rounded()), mark, &c) }
        }
    }

    /// Draws the segment a-b (in dot coordinates) clipped to [0,w-1]x[0,h-1] with Bresenham.
    private func rasterize(_ a: (Double, Double), _ b: (Double, Double), width w: Int, height h: Int,
                           plot: (Int, Int) -> Void) {
        guard let (p, q) = Self.clipSegment(a, b, maxX: Double(w - 1) + 0.49, maxY: Double(h - 1) + 0.49) else { return }
        var x0 = Int(p.0.rounded()), y0 = Int(p.1.rounded())
        let x1 = Int(q.0.rounded()), y1 = Int(q.1.rounded())
        let dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1
        let dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            plot(x0, y0)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }

    /// Liang-Barsky clipping of a segment to [-0.49, maxX] x [-0.49, maxY].
    static func clipSegment(_ a: (Double, Double), _ b: (Double, Double), maxX: Double, maxY: Double)
        -> ((Double, Double), (Double, Double))? {
        let minV = -0.49
        var t0 = 0.0, t1 = 1.0
        let dx = b.0 - a.0, dy = b.1 - a.1
        for (p, q) in [(-dx, a.0 - minV), (dx, maxX - a.0), (-dy, a.1 - minV), (dy, maxY - a.1)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; if r > t0 { t0 = r } }
                else { if r < t0 { return nil }; if r < t1 { t1 = r } }
            }
        }
        return ((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy))
    }
}
