import XCTest
@testable import TUI

final class TableTests: XCTestCase {
    private func table(count: Int, calls: UnsafeMutablePointer<[Int]>) -> Table {
        Table(columns: [.init("id", width: .fixed(5), alignment: .right), .init("arch"), .init("acc", width: .fixed(5), alignment: .right)],
              rowCount: count) { i in
            calls.pointee.append(i)
            return [String(i), "arch-\(i)", "0.9"]
        }
    }

    func testHeaderAndRows() {
        var calls: [Int] = []
        var c = Canvas(width: 20, height: 4)
        var st = TableState()
        withUnsafeMutablePointer(to: &calls) { p in
            table(count: 3, calls: p).render(into: &c, area: c.bounds, state: &st)
        }
        XCTAssertEqual(c.lines(), [
            "   id arch       acc",
            "    0 arch-0     0.9",
            "    1 arch-1     0.9",
            "    2 arch-2     0.9",
        ])
        XCTAssertEqual(calls, [0, 1, 2])
    }

    func testOnlyVisibleRowsAreFormattedAndSelectionStaysVisible() {
        var calls: [Int] = []
        var c = Canvas(width: 30, height: 6)  // header + 5 rows
        var st = TableState(selected: 0)
        let n = 50_000
        withUnsafeMutablePointer(to: &calls) { p in
            let t = table(count: n, calls: p)
            t.render(into: &c, area: c.bounds, state: &st)
            XCTAssertEqual(p.pointee, [0, 1, 2, 3, 4])
            p.pointee.removeAll()

            st.move(by: 7, count: n)  // selection 7: scrolls so row 7 is the last visible
            t.render(into: &c, area: c.bounds, state: &st)
            XCTAssertEqual(st.offset, 3)
            XCTAssertEqual(p.pointee, [3, 4, 5, 6, 7])
            p.pointee.removeAll()

            st.selectLast(count: n)
            t.render(into: &c, area: c.bounds, state: &st)
            XCTAssertEqual(st.offset, n - 5)
            XCTAssertEqual(p.pointee, Array((n - 5)..<n))
            p.pointee.removeAll()

            st.move(by: -(n - 2), count: n)  // up to row 1: scrolls so it is the first visible
            t.render(into: &c, area: c.bounds, state: &st)
            XCTAssertEqual(st.selected, 1)
            XCTAssertEqual(st.offset, 1)
        }
        // The selected row (1) is drawn on screen row 1 with the selection style, full width.
        XCTAssertEqual(c[0, 1].style.bg, .role(.selection))
        XCTAssertEqual(c[29, 1].style.bg, .role(.selection))
        XCTAssertEqual(c[0, 2].style.bg, .default)
        XCTAssertTrue(c.lines()[1].contains("arch-1"))
        XCTAssertTrue(c.lines()[0].hasSuffix("  acc"), "the scroll hint never hides a header")
    }

    func testScrollHintWhereTheHeaderLeavesRoom() {
        let t = Table(columns: [.init("trial", width: .fill())], rowCount: 100) { ["t\($0)"] }
        var c = Canvas(width: 20, height: 4)
        var st = TableState(selected: 41)
        t.render(into: &c, area: c.bounds, state: &st)
        XCTAssertEqual(c.lines()[0], "trial         42/100")
        XCTAssertEqual(c.lines()[3], "t41                 ")
    }

    func testStateClamping() {
        var st = TableState(selected: 99, offset: 500)
        st.keepSelectionVisible(count: 10, visibleRows: 4)
        XCTAssertEqual(st.selected, 9)
        XCTAssertEqual(st.offset, 6)
        st.keepSelectionVisible(count: 0, visibleRows: 4)
        XCTAssertNil(st.selected)
        XCTAssertEqual(st.offset, 0)
        var s2 = TableState()
        s2.move(by: 1, count: 3)
        XCTAssertEqual(s2.selected, 0)
        s2.move(by: -5, count: 3)
        XCTAssertEqual(s2.selected, 0)
    }

    func testColumnWidthsAndTruncation() {
        let t = Table(columns: [.init("a", width: .fixed(3)), .init("b", width: .fill(weight: 1)), .init("c", width: .fill(weight: 3))],
                      rowCount: 1) { _ in ["abcdef", "x", "y"] }
        XCTAssertEqual(t.columnWidths(total: 21), [3, 4, 12])
        var c = Canvas(width: 21, height: 2)
        var st = TableState()
        t.render(into: &c, area: c.bounds, state: &st)
        XCTAssertTrue(c.lines()[1].hasPrefix("ab… x"))
    }

    func testRowStyleProvider() {
        var t = Table(columns: [.init("s")], rowCount: 2) { ["r\($0)"] }
        t.rowStyle = { $0 == 1 ? Style.role(.pruned, .dim) : .plain }
        var c = Canvas(width: 5, height: 3)
        var st = TableState()
        t.render(into: &c, area: c.bounds, state: &st)
        XCTAssertEqual(c[0, 2].style, Style.role(.pruned, .dim))
        XCTAssertEqual(c[0, 1].style, .plain)
    }
}
