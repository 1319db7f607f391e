import XCTest
@testable import TUI

/// Draws a whole dashboard-like screen at several sizes, including degenerate rects.
final class RenderSmokeTests: XCTestCase {
    let ops = ["sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5",
               "max_pool_3x3", "avg_pool_3x3", "skip_connect", "none"]

    /// Draws the screen; returns the titled rects and the status row (nil when too small).
    @discardableResult
    private func drawScreen(_ c: inout Canvas, area: Rect) -> (panes: [(String, Rect)], status: Rect)? {
        let need = Size(width: 60, height: 16)
        if TooSmallMessage.isTooSmall(need: need, have: area.size) {
            TooSmallMessage(need: need, have: area.size).render(into: &c, area: area)
            return nil
        }
        let (body, status) = area.splitBottom(1)
        let rows = body.rows([1, 1])
        let top = rows[0].columns([1, 1]), bottom = rows[1].columns([1, 1])
        let fitness = c.box(top[0], title: "Fitness")
        var best: [(x: Double, y: Double)] = []
        var median: [(x: Double, y: Double)] = []
        for i in 0..<50 {
            let t: Double = 1 - 1 / Double(i + 1)
            best.append((x: Double(i), y: 0.5 + 0.4 * t))
            median.append((x: Double(i), y: 0.4 + 0.3 * t))
        }
        let fitSeries: [BrailleChart.Series] = [
            .init(name: "best", points: best),
            .init(name: "median", points: median, style: Style(fg: .series(1))),
        ]
        BrailleChart(series: fitSeries, markers: [.init(x: 20, label: "tpe")]).render(into: &c, area: fitness)
        let opsArea = c.box(top[1], title: "Operations")
        var values: [[Double]] = []
        for r in 0..<14 {
            var row: [Double] = []
            for j in 0..<8 { row.append(Double((j * 7 + r * 3) % 10) / 10) }
            values.append(row)
        }
        var hm = Heatmap(rowLabels: (0..<14).map { "e\($0)" }, columns: ops, values: values)
        hm.showValues = area.width > 100
        hm.render(into: &c, area: opsArea)
        let pareto = c.box(bottom[0], title: "Pareto")
        var front: [(x: Double, y: Double)] = []
        for i in 0..<30 { front.append((x: Double(i) * 0.3, y: 0.6 + Double(i % 7) / 20)) }
        BrailleChart(series: [.init(points: front, kind: .scatter)],
                     references: [.init(.vertical, at: 4, label: "target")]).render(into: &c, area: pareto)
        let trials = c.box(bottom[1], title: "Trials")
        var st = TableState(selected: 7)
        Table(columns: [.init("id", width: .fixed(4), alignment: .right), .init("arch"), .init("acc", width: .fixed(5), alignment: .right)],
              rowCount: 20_000) { ["\($0)", "arch \($0)", "0.91"] }.render(into: &c, area: trials, state: &st)
        StatusBar(left: [.init("evolution"), .init("RUNNING", style: Style.role(.running, .bold))],
                  right: [.init("12/100"), .init("00:42")]).render(into: &c, area: status)
        return ([("Fitness", top[0]), ("Operations", top[1]), ("Pareto", bottom[0]), ("Trials", bottom[1])], status)
    }

    private static let help = HelpOverlay(title: "Keys", lines: ["p  pause / resume", "q  quit", "T  next theme"], footer: "? closes")

    private func renderAll(width: Int, height: Int, glyphs: GlyphSet) -> Canvas {
        var c = Canvas(width: width, height: height, glyphs: glyphs)
        drawScreen(&c, area: c.bounds)
        Self.help.render(into: &c, area: c.bounds)
        return c
    }

    func testFullScreenSizes() {
        for g in [GlyphSet.unicode, .ascii] {
            for (w, h) in [(80, 24), (30, 8), (120, 40), (0, 0), (1, 1), (2, 1), (60, 16), (59, 16)] {
                var screen = Canvas(width: w, height: h, glyphs: g)
                let drawn = drawScreen(&screen, area: screen.bounds)
                if w < 60 || h < 16 {
                    XCTAssertNil(drawn)
                    let message = TooSmallMessage(need: Size(width: 60, height: 16), have: screen.size).message(times: g.times)
                    let shown = screen.text.filter { $0 != " " && $0 != "\n" }
                    XCTAssertTrue(message.filter { $0 != " " }.hasPrefix(shown), "\(w)x\(h): \(shown)")
                    XCTAssertEqual(shown.isEmpty, w == 0 || h == 0, "\(w)x\(h)")
                    continue
                }
                guard let (panes, status) = drawn else { XCTFail("\(w)x\(h)"); continue }
                // Each box carries its title at its own corner, and the status bar is the last row.
                for (title, r) in panes {
                    XCTAssertTrue(screen.row(r.y, from: r.x, length: r.width).hasPrefix("\(g.topLeft) \(title) "), "\(title) \(w)x\(h)")
                    XCTAssertEqual(screen.row(r.maxY - 1, from: r.x, length: 1), String(g.bottomLeft))
                }
                XCTAssertEqual(status.y, h - 1)
                let right = "12/100  00:42 "
                XCTAssertEqual(screen.row(h - 1), " evolution  RUNNING" + String(repeating: " ", count: w - 19 - right.count) + right)
                // The help overlay lands centred on top.
                var withHelp = screen
                Self.help.render(into: &withHelp, area: withHelp.bounds)
                let f = Self.help.frame(in: withHelp.bounds)
                XCTAssertEqual(f, withHelp.bounds.centered(Size(width: 21, height: 7)))
                XCTAssertTrue(withHelp.row(f.y, from: f.x, length: f.width).hasPrefix("\(g.topLeft) Keys "))
                XCTAssertEqual(withHelp.row(f.y + 1, from: f.x, length: f.width), "\(g.vertical) p  pause / resume \(g.vertical)")
                XCTAssertEqual(withHelp.row(f.y + 5, from: f.x, length: f.width), "\(g.vertical)     ? closes      \(g.vertical)")
            }
        }
        var screen = Canvas(width: 80, height: 24)
        drawScreen(&screen, area: screen.bounds)
        for title in ["target", "tpe"] {
            XCTAssertTrue(screen.text.contains(title), title)
        }
        XCTAssertFalse(renderAll(width: 80, height: 24, glyphs: .ascii).text.unicodeScalars.contains { $0.value > 127 },
                       "ASCII glyphs draw only ASCII")
    }

    func testTooSmallMessage() {
        var c = Canvas(width: 30, height: 8)
        drawScreen(&c, area: c.bounds)
        let t = c.lines().joined(separator: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(t.contains("terminal too small:"), c.text)
        XCTAssertTrue(t.contains("need 60×16,"), c.text)
        XCTAssertTrue(t.contains("have 30×8"), c.text)
        var a = Canvas(width: 80, height: 3, glyphs: .ascii)
        TooSmallMessage(need: Size(width: 100, height: 30), have: a.size).render(into: &a, area: a.bounds)
        XCTAssertEqual(a.lines()[1].trimmingWhitespace(), "terminal too small: need 100x30, have 80x3")
    }

    func testEveryWidgetOnDegenerateRects() {
        let rects = [Rect.zero, Rect(x: 0, y: 0, width: 1, height: 1), Rect(x: 3, y: 3, width: 0, height: 5),
                     Rect(x: 0, y: 0, width: 1, height: 6), Rect(x: 0, y: 0, width: 9, height: 1),
                     Rect(x: 5, y: 5, width: 10, height: 10), Rect(x: -3, y: -2, width: 4, height: 4)]
        for g in [GlyphSet.unicode, .ascii] {
            for r in rects {
                var c = Canvas(width: 6, height: 6, glyphs: g)
                c.box(r, title: "Title")
                BrailleChart(series: [.init(points: [(0, 0), (1, 1)]), .init(points: [(0.5, 0.5)], kind: .scatter)],
                             markers: [.init(x: 0.5, label: "m")],
                             references: [.init(.horizontal, at: 0.5, label: "ref")]).render(into: &c, area: r)
                var h = Heatmap(rowLabels: ["a"], columns: ["x", "y"], values: [[0.2, 0.9]])
                h.render(into: &c, area: r)
                h.showValues = true
                h.mode = .background
                h.render(into: &c, area: r)
                var st = TableState(selected: 3)
                Table(columns: [.init("a"), .init("b", width: .fixed(3))], rowCount: 10) { ["\($0)", "x"] }
                    .render(into: &c, area: r, state: &st)
                StatusBar(left: [.init("left")], right: [.init("right")]).render(into: &c, area: r)
                HelpOverlay(title: "Help", lines: ["a", "b"], footer: "f").render(into: &c, area: r)
                TooSmallMessage(need: Size(width: 80, height: 24), have: Size(width: 6, height: 6)).render(into: &c, area: r)
                // Every widget stays inside its rect.
                let inside = r.intersection(c.bounds)
                for y in 0..<6 { for x in 0..<6 where !inside.contains(x: x, y: y) { XCTAssertEqual(c[x, y], .blank, "\(r) at \(x),\(y)") } }
            }
        }
        // An empty canvas takes everything.
        var z = Canvas(width: 0, height: 0)
        BrailleChart(series: []).render(into: &z, area: Rect(x: 0, y: 0, width: 10, height: 10))
        var st = TableState()
        Table(columns: [], rowCount: 0) { _ in [] }.render(into: &z, area: Rect(x: 0, y: 0, width: 10, height: 10), state: &st)
        Heatmap(rowLabels: [], columns: [], values: []).render(into: &z, area: z.bounds)
    }

    func testStatusBarLayout() {
        var c = Canvas(width: 30, height: 1)
        StatusBar(left: [.init("evolution"), .init("RUNNING")], right: [.init("00:42")]).render(into: &c, area: c.bounds)
        XCTAssertEqual(c.text, " evolution  RUNNING     00:42 ")
        XCTAssertEqual(c[0, 0].style.bg, .role(.statusBackground))
        var n = Canvas(width: 16, height: 1)
        StatusBar(left: [.init("evolution"), .init("RUNNING")], right: [.init("00:42")]).render(into: &n, area: n.bounds)
        XCTAssertEqual(n.text, " evoluti… 00:42 ")
    }

    func testHelpOverlayCentred() {
        var c = Canvas(width: 20, height: 7)
        HelpOverlay(title: "Keys", lines: ["q quit", "? help"]).render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines(), [
            "                    ",
            "     ┌ Keys ──┐     ",
            "     │ q quit │     ",
            "     │ ? help │     ",
            "     └────────┘     ",
            "                    ",
            "                    ",
        ])
    }
}
