import XCTest
@testable import TUI

final class ThemeTests: XCTestCase {
    static let themesDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes").path

    func testShippedThemesParse() throws {
        let lib = ThemeLibrary(directory: Self.themesDir)
        let names = lib.names()
        for required in ["default", "light", "high-contrast", "mono"] {
            XCTAssertTrue(names.contains(required), "missing themes/\(required).theme")
        }
        XCTAssertEqual(names.first, "default")
        for n in names {
            let t = try lib.load(n)
            XCTAssertEqual(t.name, n)
            XCTAssertFalse(t.description.isEmpty, n)
            XCTAssertFalse(t.series.isEmpty, n)
            // Every role is set explicitly in the shipped files.
            for role in ColorRole.allCases { XCTAssertNotNil(t.colors[role], "\(n): \(role.rawValue)") }
        }
    }

    func testDefaultFileMatchesBuiltin() throws {
        let t = try ThemeLibrary(directory: Self.themesDir).load("default")
        XCTAssertEqual(t.colors, Theme.builtinDefault.colors)
        XCTAssertEqual(t.series, Theme.builtinDefault.series)
        XCTAssertEqual(t.heatmapLow, Theme.builtinDefault.heatmapLow)
        XCTAssertEqual(t.heatmapMid, Theme.builtinDefault.heatmapMid)
        XCTAssertEqual(t.heatmapHigh, Theme.builtinDefault.heatmapHigh)
    }

    func testMonoIsGrey() throws {
        let t = try ThemeLibrary(directory: Self.themesDir).load("mono")
        var all = t.colors.values.compactMap(\.rgb) + t.series + [t.heatmapLow, t.heatmapHigh]
        if let m = t.heatmapMid { all.append(m) }
        for c in all { XCTAssertTrue(c.r == c.g && c.g == c.b, "\(c) is not grey") }
        XCTAssertEqual(t.colors[.background], .terminal)
        XCTAssertNil(t.resolve(.default, asBackground: true))
    }

    func testLibraryCyclesAndReportsUnknownNames() {
        let lib = ThemeLibrary(directory: Self.themesDir)
        let names = lib.names()
        XCTAssertEqual(lib.next(after: names[0]), names[1])
        XCTAssertEqual(lib.next(after: names.last!), names[0])
        XCTAssertEqual(lib.next(after: "nope"), names[0])
        XCTAssertThrowsError(try lib.load("nope")) { e in
            let s = String(describing: e)
            XCTAssertTrue(s.contains("nope.theme"), s)
            XCTAssertTrue(s.contains("available: default"), s)
        }
        let empty = ThemeLibrary(directory: "/nonexistent-dir")
        XCTAssertEqual(empty.names(), [])
        XCTAssertEqual(try empty.load("default"), .builtinDefault)
        XCTAssertEqual(empty.next(after: "default"), "default")
    }

    func testParseFormatDetails() throws {
        let text = """
        ; a comment
        # another comment
        #
        name = Mine
        accent = #FF0000   ; trailing comment
          best=#00ff00
        background = default
        series = #010203 , #040506
        heatmap_low = #000000
        """
        let t = try Theme.parse(text, name: "mine", file: "mine.theme")
        XCTAssertEqual(t.name, "Mine")
        XCTAssertEqual(t.colors[.accent], .rgb(RGB(255, 0, 0)))
        XCTAssertEqual(t.colors[.best], .rgb(RGB(0, 255, 0)))
        XCTAssertEqual(t.colors[.background], .terminal)
        XCTAssertEqual(t.series, [RGB(1, 2, 3), RGB(4, 5, 6)])
        XCTAssertNil(t.heatmapMid, "a file setting its own gradient without mid gets two colours")
        // Unset keys come from the built-in default.
        XCTAssertEqual(t.colors[.failed], Theme.builtinDefault.colors[.failed])
        XCTAssertEqual(t.resolve(.series(3), asBackground: false), RGB(4, 5, 6))
        XCTAssertEqual(t.resolve(.heat(255), asBackground: true), t.heatmapHigh)
        XCTAssertEqual(t.resolve(.heat(0), asBackground: true), RGB(0, 0, 0))
    }

    private func parseError(_ text: String) -> ThemeError? {
        do { _ = try Theme.parse(text, name: "bad", file: "themes/bad.theme"); return nil }
        catch let e as ThemeError { return e }
        catch { return nil }
    }

    func testUnknownKey() throws {
        let e = try XCTUnwrap(parseError("; ok\naccent = #112233\nacent = #112233\n"))
        XCTAssertEqual(e.file, "themes/bad.theme")
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.key, "acent")
        XCTAssertTrue(e.description.hasPrefix("themes/bad.theme:3: key \"acent\": unknown key"), e.description)
        XCTAssertTrue(e.description.contains("accepted keys:"))
        XCTAssertTrue(e.description.contains("accent"))
    }

    func testBadHex() throws {
        let e = try XCTUnwrap(parseError("\n\nbest = #12345\n"))
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.key, "best")
        XCTAssertTrue(e.description.contains("themes/bad.theme:3"), e.description)
        XCTAssertTrue(e.description.contains("#rrggbb"), e.description)
        XCTAssertTrue(e.description.contains("\"#12345\""), e.description)

        let s = try XCTUnwrap(parseError("series = #112233, red\n"))
        XCTAssertEqual(s.key, "series")
        XCTAssertTrue(s.description.contains("\"red\""), s.description)
        XCTAssertNotNil(parseError("heatmap_high = default\n"), "gradients need real colours")
        XCTAssertNotNil(parseError("title = #gg0000\n"))
    }

    func testOtherErrors() throws {
        let noEq = try XCTUnwrap(parseError("#comment without space\n"))
        XCTAssertEqual(noEq.line, 1)
        XCTAssertTrue(noEq.description.contains("key = value"), noEq.description)
        let dup = try XCTUnwrap(parseError("best = #000000\nbest = #ffffff\n"))
        XCTAssertEqual(dup.line, 2)
        XCTAssertTrue(dup.description.contains("first on line 1"), dup.description)
        XCTAssertNotNil(parseError("= #000000\n"))
        XCTAssertThrowsError(try Theme.load(path: "/nonexistent/x.theme")) { e in
            XCTAssertTrue(String(describing: e).hasPrefix("/nonexistent/x.theme: "))
        }
    }

    func testColourMapping() {
        XCTAssertEqual(ColorMap.nearestXterm256(RGB(255, 0, 0)), 196)
        XCTAssertEqual(ColorMap.nearestXterm256(RGB(0, 0, 0)), 16)
        XCTAssertEqual(ColorMap.nearestXterm256(RGB(255, 255, 255)), 231)
        XCTAssertEqual(ColorMap.nearestXterm256(RGB(0x80, 0x80, 0x80)), 244)
        XCTAssertEqual(ColorMap.nearestXterm256(RGB(0x87, 0xaf, 0xff)), 111)
        XCTAssertEqual(ColorMap.nearestBasic8(RGB(255, 0, 0)), 1)
        XCTAssertEqual(ColorMap.nearestBasic8(RGB(0x1a, 0x1b, 0x26)), 0)
        XCTAssertEqual(ColorMap.nearestBasic8(RGB(0xf0, 0xf0, 0xf0)), 7)
        XCTAssertEqual(ColorMap.nearestBasic8(RGB(0, 0, 200)), 4)
        XCTAssertEqual(ColorCapability.indexed256.index(for: RGB(255, 0, 0)), 196)
        XCTAssertEqual(ColorCapability.truecolor.index(for: RGB(255, 0, 0)), 196)
        XCTAssertEqual(ColorCapability.basic8.index(for: RGB(255, 0, 0)), 1)
        XCTAssertNil(ColorCapability.none.index(for: RGB(255, 0, 0)))
        for i in 16..<256 { XCTAssertEqual(ColorMap.nearestXterm256(ColorMap.xterm256(i)), i, "index \(i)") }
    }

    func testCapabilityDetection() {
        XCTAssertEqual(ColorCapability.detect(environment: [:], colors: 256), .indexed256)
        XCTAssertEqual(ColorCapability.detect(environment: ["COLORTERM": "truecolor"], colors: 256), .truecolor)
        XCTAssertEqual(ColorCapability.detect(environment: [:], colors: 8), .basic8)
        XCTAssertEqual(ColorCapability.detect(environment: [:], colors: 0), .none)
        XCTAssertEqual(ColorCapability.detect(environment: ["NO_COLOR": "1"], colors: 256), .none)
        XCTAssertEqual(ColorCapability.detect(environment: ["NO_COLOR": ""], colors: 256), .indexed256)
    }

    func testRGBHex() {
        XCTAssertEqual(RGB(hex: "#0a0B0c"), RGB(10, 11, 12))
        XCTAssertEqual(RGB(10, 11, 12).hex, "#0a0b0c")
        XCTAssertNil(RGB(hex: "0a0b0c"))
        XCTAssertNil(RGB(hex: "#0a0b0"))
        XCTAssertNil(RGB(hex: "#0a0b0c0"))
        XCTAssertEqual(RGB(0, 0, 0).mix(RGB(200, 100, 0), 0.5), RGB(100, 50, 0))
        XCTAssertEqual(Color.heat(value: 1), .heat(255))
        XCTAssertEqual(Color.heat(value: -3), .heat(0))
    }
}
