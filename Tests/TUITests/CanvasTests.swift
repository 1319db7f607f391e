import XCTest
@testable import TUI

final class CanvasTests: XCTestCase {
    func testPutClipsToCanvas() {
        var c = Canvas(width: 6, height: 2)
        c.put("hello world", x: 2, y: 0)
        c.put("ab", x: -1, y: 1)
        c.put("zz", x: 0, y: 5)  // off canvas: ignored
        XCTAssertEqual(c.lines(), ["  hell", "b     "])
    }

    func testPutAtPointAndStyle() {
        var c = Canvas(width: 4, height: 1)
        let end = c.put(string: "ab", at: Point(x: 1, y: 0), style: Style.role(.best).bold)
        XCTAssertEqual(end, 3)
        XCTAssertEqual(c[1, 0].style, Style(fg: .role(.best), attrs: .bold))
        XCTAssertEqual(c[0, 0].style, .plain)
        XCTAssertEqual(c.text, " ab ")
    }

    func testControlCharactersBecomeSpaces() {
        var c = Canvas(width: 4, height: 1)
        c.put("a\tb\n", x: 0, y: 0)
        XCTAssertEqual(c.text, "a b ")
    }

    func testWithClipRestrictsAndRestores() {
        var c = Canvas(width: 8, height: 3)
        c.withClip(Rect(x: 2, y: 1, width: 3, height: 1)) { c in
            c.put("abcdefgh", x: 0, y: 1)
            c.put("xxxx", x: 0, y: 0)
            c.withClip(Rect(x: 0, y: 0, width: 4, height: 3)) { c in
                c.put("QQQQQQQQ", x: 0, y: 1)
            }
        }
        c.put("!", x: 7, y: 2)
        XCTAssertEqual(c.lines(), ["        ", "  QQe   ", "       !"])
    }

    func testTruncateWithEllipsis() {
        XCTAssertEqual(TextLayout.truncate("accuracy", width: 5), "accu…")
        XCTAssertEqual(TextLayout.truncate("accuracy", width: 5, ellipsis: "..."), "ac...")
        XCTAssertEqual(TextLayout.truncate("acc", width: 5), "acc")
        XCTAssertEqual(TextLayout.truncate("accuracy", width: 2, ellipsis: "..."), "ac")
        XCTAssertEqual(TextLayout.truncate("accuracy", width: 0), "")
        XCTAssertEqual(TextLayout.fit("7", width: 3, alignment: .right), "  7")
        XCTAssertEqual(TextLayout.fit("ab", width: 5, alignment: .center), " ab  ")
        var c = Canvas(width: 6, height: 1, glyphs: .ascii)
        c.put("loss curve", x: 0, y: 0, maxWidth: 6)
        XCTAssertEqual(c.text, "los...")
    }

    func testBoxWithTitle() {
        var c = Canvas(width: 12, height: 4)
        let inner = c.box(Rect(x: 0, y: 0, width: 12, height: 4), title: "Fitness")
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 10, height: 2))
        XCTAssertEqual(c.lines(), [
            "┌ Fitness ─┐",
            "│          │",
            "│          │",
            "└──────────┘",
        ])
        XCTAssertEqual(c[2, 0].style, Style.role(.title, .bold))
        XCTAssertEqual(c[0, 0].style, Style.role(.border))
    }

    func testBoxTitleTruncatedAndASCII() {
        var c = Canvas(width: 10, height: 3, glyphs: .ascii)
        c.box(Rect(x: 0, y: 0, width: 10, height: 3), title: "Operations")
        XCTAssertEqual(c.lines(), [
            "+ Ope... +",
            "|        |",
            "+--------+",
        ])
    }

    func testBoxTooSmallDrawsNothing() {
        var c = Canvas(width: 3, height: 3)
        XCTAssertEqual(c.box(Rect(x: 0, y: 0, width: 1, height: 3), title: "x"), Rect(x: 0, y: 0, width: 1, height: 3))
        c.box(.zero, title: "x")
        XCTAssertEqual(c.text, "   \n   \n   ")
        c.box(Rect(x: 0, y: 0, width: 2, height: 2), title: "long title")
        XCTAssertEqual(c.lines(), ["┌┐ ", "└┘ ", "   "])
    }

    func testBoxPartlyOffCanvasIsClipped() {
        var c = Canvas(width: 4, height: 2)
        c.box(Rect(x: 2, y: 1, width: 5, height: 5), title: "T")
        XCTAssertEqual(c.lines(), ["    ", "  ┌ "])  // the title starts at x+1
    }

    func testDiffListsChangedCells() {
        var a = Canvas(width: 5, height: 2)
        a.put("hello", x: 0, y: 0)
        var b = a
        XCTAssertTrue(b.diff(from: a).isEmpty)
        b.put("J", x: 0, y: 0)
        b.setStyle(x: 4, y: 1, Style(bg: .role(.selection)))
        let d = b.diff(from: a)
        XCTAssertEqual(d.map { Point(x: $0.x, y: $0.y) }, [Point(x: 0, y: 0), Point(x: 4, y: 1)])
        XCTAssertEqual(d[0].cell.char, "J")
        // A different size redraws everything; so does no previous frame.
        XCTAssertEqual(Canvas(width: 3, height: 3).diff(from: a).count, 9)
        XCTAssertEqual(a.diff(from: nil).count, 10)
    }

    func testZeroSizeCanvas() {
        var c = Canvas(width: 0, height: 0)
        c.put("x", x: 0, y: 0)
        c.fill(Rect(x: 0, y: 0, width: 3, height: 3), with: Cell("#"))
        c.box(Rect(x: 0, y: 0, width: 3, height: 3), title: "t")
        XCTAssertEqual(c.lines(), [])
        XCTAssertEqual(c.text, "")
        XCTAssertEqual(c[0, 0], .blank)
    }

    func testRectHelpers() {
        let r = Rect(x: 0, y: 0, width: 10, height: 5)
        XCTAssertEqual(r.inset(by: 1), Rect(x: 1, y: 1, width: 8, height: 3))
        XCTAssertTrue(r.inset(by: 3).isEmpty)
        XCTAssertEqual(r.columns([1, 1]).map(\.width), [5, 5])
        XCTAssertEqual(r.rows([1, 2]).map(\.height), [1, 4])
        XCTAssertEqual(r.centered(Size(width: 4, height: 1)), Rect(x: 3, y: 2, width: 4, height: 1))
        XCTAssertTrue(r.intersection(Rect(x: 20, y: 0, width: 5, height: 5)).isEmpty)
        XCTAssertEqual(r.splitBottom(1).1, Rect(x: 0, y: 4, width: 10, height: 1))
    }

    func testGlyphDetectionFromLocale() {
        XCTAssertEqual(GlyphSet.detect(environment: ["LANG": "en_US.UTF-8"]), .unicode)
        XCTAssertEqual(GlyphSet.detect(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]), .ascii)
        XCTAssertEqual(GlyphSet.detect(environment: ["LC_CTYPE": "de_DE.utf8"]), .unicode)
        XCTAssertEqual(GlyphSet.detect(environment: [:]), .ascii)
        XCTAssertEqual(GlyphSet.unicode.shade(for: 1), "█")
        XCTAssertEqual(GlyphSet.unicode.shade(for: 0), " ")
        XCTAssertEqual(GlyphSet.ascii.shade(for: 0.5), ":")
    }

    func testSingleWidth() {
        XCTAssertTrue(TextLayout.isSingleWidth("a"))
        XCTAssertTrue(TextLayout.isSingleWidth("⣿"))
        XCTAssertTrue(TextLayout.isSingleWidth("─"))
        XCTAssertFalse(TextLayout.isSingleWidth("漢"))
        XCTAssertFalse(TextLayout.isSingleWidth("😀"))
        XCTAssertFalse(TextLayout.isSingleWidth("\u{7}"))
        XCTAssertFalse(TextLayout.isSingleWidth("é", asciiOnly: true))
    }

    func testCompactNumbers() {
        XCTAssertEqual(TextLayout.compact(0), "0")
        XCTAssertEqual(TextLayout.compact(0.934), "0.93")
        XCTAssertEqual(TextLayout.compact(12.54), "12.5")
        XCTAssertEqual(TextLayout.compact(150), "150")
        XCTAssertEqual(TextLayout.compact(12345), "12.3k")
        XCTAssertEqual(TextLayout.compact(-2_500_000), "-2.5M")
        XCTAssertEqual(TextLayout.compact(0.0002), "2e-4")
        XCTAssertEqual(TextLayout.compact(1), "1")
    }
}
