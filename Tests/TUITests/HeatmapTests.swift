import XCTest
@testable import TUI

final class HeatmapTests: XCTestCase {
    let ops = ["sep_conv_3x3", "skip_connect", "none"]

    func testArgmax() {
        XCTAssertEqual(Heatmap.argmax([0.1, 0.7, 0.2]), 1)
        XCTAssertEqual(Heatmap.argmax([0.5, 0.5]), 0)
        XCTAssertNil(Heatmap.argmax([]))
        XCTAssertEqual(Heatmap.argmax([.nan, 0.2]), 1)
    }

    func testAbbreviations() {
        XCTAssertEqual(Heatmap.abbreviate("sep_conv_3x3"), "sep3")
        XCTAssertEqual(Heatmap.abbreviate("dil_conv_5x5"), "dil5")
        XCTAssertEqual(Heatmap.abbreviate("max_pool_3x3"), "max3")
        XCTAssertEqual(Heatmap.abbreviate("skip_connect"), "skip")
        XCTAssertEqual(Heatmap.abbreviate("none"), "none")
        XCTAssertEqual(Heatmap.abbreviate("nor_conv_1x1", width: 3), "no1")
        XCTAssertEqual(Heatmap.abbreviate("avg_pool_3x3", width: 0), "")
    }

    func testArgmaxMarkerPosition() {
        var h = Heatmap(rowLabels: ["e0", "e1"], columns: ops, values: [[0.1, 0.8, 0.1], [0.6, 0.2, 0.2]])
        h.maxColumnWidth = 5
        var c = Canvas(width: 18, height: 3)
        h.render(into: &c, area: c.bounds)
        let lines = c.lines()
        // Label column 2 wide + gap, then 3 columns of 5 cells (4 drawn + 1 gap).
        XCTAssertEqual(lines[0], "   sep3 skip none ")
        XCTAssertEqual(c[3 + 5, 1].char, "◆", "row 0: argmax in column 1")
        XCTAssertTrue(c[3 + 5, 1].style.attrs.contains(.bold))
        XCTAssertEqual(c[3, 2].char, "◆", "row 1: argmax in column 0")
        XCTAssertEqual(lines[1].filter { $0 == "◆" }.count, 1)
        XCTAssertEqual(lines[2].filter { $0 == "◆" }.count, 1)
        XCTAssertEqual(c[3 + 6, 1].char, "▓", "the rest of the 0.8 cell is shaded")
        XCTAssertEqual(c[3 + 10, 1].char, " ", "0.1 is blank")
        XCTAssertTrue(lines[1].hasPrefix("e0 "))
        XCTAssertEqual(c[4, 2].style.fg, Color.heat(value: 0.6))
    }

    func testASCIIAndValues() {
        var h = Heatmap(rowLabels: ["n2"], columns: ops, values: [[0.25, 1.0, 0.0]])
        h.showValues = true
        h.maxColumnWidth = 5
        var c = Canvas(width: 18, height: 2, glyphs: .ascii)
        h.render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines()[1], "n2 0.25 *1.0 0.00 ")
    }

    func testBackgroundMode() {
        var h = Heatmap(rowLabels: [], columns: ["a", "b"], values: [[0, 1]])
        h.mode = .background
        h.maxColumnWidth = 3
        var c = Canvas(width: 6, height: 2)
        h.render(into: &c, area: c.bounds)
        XCTAssertEqual(c[0, 1].style.bg, .heat(0))
        XCTAssertEqual(c[3, 1].style.bg, .heat(255))
        XCTAssertEqual(c[3, 1].char, "◆")
    }

    func testRowsBeyondAreaAreCut() {
        let h = Heatmap(rowLabels: (0..<14).map { "edge \($0)" }, columns: ops,
                        values: (0..<14).map { _ in [0.3, 0.3, 0.4] })
        var c = Canvas(width: 30, height: 4)
        h.render(into: &c, area: Rect(x: 0, y: 0, width: 30, height: 3))
        XCTAssertEqual(c.lines()[3], String(repeating: " ", count: 30))
        XCTAssertTrue(c.lines()[2].contains("edge 1"))
    }
}
