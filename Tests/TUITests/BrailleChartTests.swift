import XCTest
@testable import TUI

final class BrailleChartTests: XCTestCase {
    private func chart(_ pts: [(x: Double, y: Double)], kind: BrailleChart.Series.Kind = .line) -> BrailleChart {
        var ch = BrailleChart(series: [.init(points: pts, kind: kind)], xRange: 0...1, yRange: 0...1)
        ch.showAxisLabels = false
        return ch
    }

    func testFlatLineAtMaxLightsTopDots() {
        var c = Canvas(width: 4, height: 2)
        chart([(0, 1), (1, 1)]).render(into: &c, area: c.bounds)
        // Top row of dots in every cell: dots 1 and 4 = U+2809.
        XCTAssertEqual(c.lines(), ["⠉⠉⠉⠉", "    "])
        XCTAssertEqual(c[0, 0].style, Style(fg: .series(0)))
    }

    func testFlatLineAtMinLightsBottomDots() {
        var c = Canvas(width: 3, height: 2)
        chart([(0, 0), (1, 0)]).render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines(), ["   ", "⣀⣀⣀"])
    }

    func testDiagonalAndVerticalDots() {
        var c = Canvas(width: 1, height: 1)
        // 2x4 dots; a diagonal from bottom-left to top-right.
        chart([(0, 0), (1, 1)]).render(into: &c, area: c.bounds)
        let v = c[0, 0].char.unicodeScalars.first!.value - 0x2800
        XCTAssertEqual(v & 0x40, 0x40, "bottom-left dot")
        XCTAssertEqual(v & 0x08, 0x08, "top-right dot")
        XCTAssertEqual(v & 0x01, 0, "top-left dot stays dark")
    }

    func testScatterPointsSingleDots() {
        var c = Canvas(width: 2, height: 1)
        chart([(0, 1), (1, 0)], kind: .scatter).render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines(), ["⠁⢀"])
    }

    func testASCIIFallback() {
        var c = Canvas(width: 5, height: 3, glyphs: .ascii)
        chart([(0, 0), (1, 1)]).render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines(), [
            "   .*",
            " ..  ",
            "*    ",
        ])
        var s = Canvas(width: 3, height: 2, glyphs: .ascii)
        chart([(0, 1), (0.5, 0)], kind: .scatter).render(into: &s, area: s.bounds)
        XCTAssertEqual(s.lines(), ["o  ", " o "])
    }

    func testMarkerAndReferenceLines() {
        var ch = chart([])
        ch.markers = [.init(x: 0.5, label: "tpe")]
        ch.references = [.init(.horizontal, at: 0, label: "")]
        var c = Canvas(width: 9, height: 3)
        ch.render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines(), [
            "    │tpe ",
            "    │    ",
            "┄┄┄┄┄┄┄┄┄",
        ])
        XCTAssertTrue(c[4, 0].style.attrs.contains(.dim))
        XCTAssertEqual(c[0, 2].style.fg, .role(.reference))

        var a = Canvas(width: 5, height: 2, glyphs: .ascii)
        var vc = chart([])
        vc.references = [.init(.vertical, at: 1)]
        vc.render(into: &a, area: a.bounds)
        XCTAssertEqual(a.lines(), ["    :", "    :"])
    }

    func testAxisLabels() {
        var ch = BrailleChart(series: [.init(points: [(0, 0.5), (10, 0.9)])], xRange: 0...10, yRange: 0.5...0.9)
        ch.showAxisLabels = true
        var c = Canvas(width: 20, height: 5)
        ch.render(into: &c, area: c.bounds)
        let lines = c.lines()
        XCTAssertTrue(lines[0].hasPrefix("0.9 "))
        XCTAssertTrue(lines[3].hasPrefix("0.5 "))
        XCTAssertEqual(lines[4], "    0             10")
    }

    func testOutOfRangeAndNonFiniteDataIsClipped() {
        var c = Canvas(width: 4, height: 2)
        chart([(-100, 0.5), (100, 0.5), (.nan, 1), (0.5, .infinity)]).render(into: &c, area: c.bounds)
        // A horizontal line across the middle (dot row 4 of 8); nothing crashes.
        XCTAssertEqual(c.lines(), ["    ", "⠉⠉⠉⠉"])
    }

    func testValuesInitUsesIndexAsX() {
        let s = BrailleChart.Series(values: [3, 2, 1])
        XCTAssertEqual(s.points.map(\.x), [0, 1, 2])
        XCTAssertEqual(s.points.map(\.y), [3, 2, 1])
    }

    func testAutoRange() {
        let ch = BrailleChart(series: [.init(points: [(1, 5), (3, 5)])])
        let (x, y) = ch.resolvedRanges()
        XCTAssertEqual(x, 1...3)
        XCTAssertTrue(y.lowerBound < 5 && y.upperBound > 5)
    }

    func testStaysInsideArea() {
        var c = Canvas(width: 10, height: 6)
        var ch = chart([(0, 0), (1, 1)])
        ch.markers = [.init(x: 0.2, label: "a very long label")]
        ch.render(into: &c, area: Rect(x: 3, y: 2, width: 4, height: 2))
        for (y, line) in c.lines().enumerated() {
            for (x, ch) in line.enumerated() where ch != " " {
                XCTAssertTrue(Rect(x: 3, y: 2, width: 4, height: 2).contains(x: x, y: y), "\(x),\(y)")
            }
        }
    }
}
