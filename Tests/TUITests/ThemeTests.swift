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
            XCTAssertTrue(names.contains(required), "missing themes/\(required).toml")
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
            XCTAssertTrue(s.contains("themes/nope.toml"), s)
            XCTAssertTrue(s.contains("available: default"), s)
        }
        let empty = ThemeLibrary(directory: "/nonexistent-dir")
        XCTAssertEqual(empty.names(), [])
        XCTAssertEqual(try empty.load("default"), .builtinDefault)
        XCTAssertEqual(empty.next(after: "default"), "default")
    }

    func testParseFormatDetails() throws {
        let text = """
        # a comment
        #another comment
        name = "Mine"
        accent = "#FF0000"   # trailing comment
          best="#00ff00"
        background = "default"
        series = [ "#010203" , "#040506", ]
        heatmap_low = "#000000"
        """
        let t = try Theme.parse(text, name: "mine", file: "mine.toml")
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
        // A multi-line array, literal strings and "none" for the middle of the gradient.
        let m = try Theme.parse("series = [\n  '#0a0b0c',  # first\n  \"#0d0e0f\",\n]\nheatmap_mid = \"none\"\n", name: "m")
        XCTAssertEqual(m.series, [RGB(10, 11, 12), RGB(13, 14, 15)])
        XCTAssertNil(m.heatmapMid)
        XCTAssertEqual(m.name, "m", "the name defaults to the file's")
    }

    private func parseError(_ text: String) -> ThemeError? {
        do { _ = try Theme.parse(text, name: "bad", file: "themes/bad.toml"); return nil }
        catch let e as ThemeError { return e }
        catch { return nil }
    }

    func testUnknownKey() throws {
        let e = try XCTUnwrap(parseError("# ok\naccent = \"#112233\"\nacent = \"#112233\"\n"))
        XCTAssertEqual(e.file, "themes/bad.toml")
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.key, "acent")
        XCTAssertTrue(e.description.hasPrefix("themes/bad.toml:3:"), e.description)
        XCTAssertTrue(e.description.contains(": key \"acent\": unknown key; accepted keys: name, description, background,"),
                      e.description)
        XCTAssertTrue(e.description.contains("heatmap_high"))
        // A table is not a theme key either.
        let t = try XCTUnwrap(parseError("accent = \"#112233\"\n[colors]\nbest = \"#000000\"\n"))
        XCTAssertEqual(t.line, 2)
        XCTAssertEqual(t.key, "colors")
        XCTAssertTrue(t.description.contains("unknown key"), t.description)
    }

    func testBadHex() throws {
        let e = try XCTUnwrap(parseError("\n\nbest = \"#12345\"\n"))
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.key, "best")
        XCTAssertEqual(e.description,
                       "themes/bad.toml:3:8: key \"best\": bad colour \"#12345\"; expected \"#rrggbb\" (a \"#\" and six hex digits, in quotes) or \"default\"")

        let s = try XCTUnwrap(parseError("series = [\"#112233\", \"red\"]\n"))
        XCTAssertEqual(s.key, "series")
        XCTAssertEqual(s.line, 1)
        XCTAssertTrue(s.description.contains("bad colour \"red\""), s.description)
        let notList = try XCTUnwrap(parseError("series = \"#112233\"\n"))
        XCTAssertTrue(notList.description.contains("expected an array of colours"), notList.description)
        XCTAssertNotNil(parseError("heatmap_high = \"default\"\n"), "gradients need real colours")
        XCTAssertNotNil(parseError("title = \"#gg0000\"\n"))
        let number = try XCTUnwrap(parseError("title = 0x112233\n"))
        XCTAssertTrue(number.description.contains("bad colour 1122867"), number.description)
        // The commonest slip: a colour without quotes.
        let bare = try XCTUnwrap(parseError("name = \"x\"\nbest = #00ff00\n"))
        XCTAssertEqual(bare.line, 2)
        XCTAssertEqual(bare.key, "best")
        XCTAssertTrue(bare.description.hasPrefix("themes/bad.toml:2:8: key \"best\": "), bare.description)
        XCTAssertTrue(bare.description.hasSuffix("colours are strings in quotes, e.g. best = \"#bb9af7\""), bare.description)
    }

    func testOtherErrors() throws {
        let noEq = try XCTUnwrap(parseError("accent\n"))
        XCTAssertEqual(noEq.line, 1)
        XCTAssertTrue(noEq.description.contains("expected '=' after the key 'accent'"), noEq.description)
        let dup = try XCTUnwrap(parseError("best = \"#000000\"\nbest = \"#ffffff\"\n"))
        XCTAssertEqual(dup.line, 2)
        XCTAssertEqual(dup.key, "best")
        XCTAssertTrue(dup.description.contains("first defined at line 1"), dup.description)
        let dupCase = try XCTUnwrap(parseError("best = \"#000000\"\nBEST = \"#ffffff\"\n"))
        XCTAssertEqual(dupCase.line, 2)
        XCTAssertTrue(dupCase.description.contains("set twice (first on line 1)"), dupCase.description)
        XCTAssertNotNil(parseError("= \"#000000\"\n"))
        let name = try XCTUnwrap(parseError("name = 3\n"))
        XCTAssertEqual(name.key, "name")
        XCTAssertTrue(name.description.contains("expected a string in quotes, got 3"), name.description)
        XCTAssertThrowsError(try Theme.load(path: "/nonexistent/x.toml")) { e in
            XCTAssertTrue(String(describing: e).hasPrefix("/nonexistent/x.toml: "))
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
