import XCTest
import Foundation
@testable import TUI

/// Opens a real terminal; skipped unless NAS_TUI_PTY_TEST=1 and stdin/stdout are a terminal, e.g.
/// `NAS_TUI_PTY_TEST=1 script -qec ".build-tui/debug/nas-tuiPackageTests.xctest TUITests.NcursesBackendTests" /dev/null`.
final class NcursesBackendTests: XCTestCase {
    func testOpenDrawReadRestore() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["NAS_TUI_PTY_TEST"] == "1", isatty(0) != 0, isatty(1) != 0 else {
            throw XCTSkip("needs a terminal: set NAS_TUI_PTY_TEST=1 and run under a pty")
        }
        let backend = try NcursesBackend(theme: .builtinDefault, environment: env)
        XCTAssertThrowsError(try NcursesBackend(environment: env), "only one backend at a time")
        let size = backend.size
        XCTAssertGreaterThan(size.width, 0)
        var c = backend.makeCanvas()
        XCTAssertEqual(c.size, size)
        c.box(c.bounds, title: "Fitness")
        BrailleChart(series: [.init(points: [(0, 0), (1, 1)])]).render(into: &c, area: c.bounds.inset(by: 1))
        StatusBar(left: [.init("RUNNING", style: Style.role(.running, .bold))]).render(into: &c, area: c.bounds.splitBottom(1).1)
        c.put("wide 漢 and emoji 😀 become ?", x: 2, y: 2)
        backend.draw(c)
        c.put("changed", x: 2, y: 3, style: Style(fg: .rgb(RGB(255, 0, 0)), bg: .heat(128)))
        backend.draw(c)
        backend.setTheme(try ThemeLibrary(directory: ThemeTests.themesDir).load("light"))
        backend.draw(c)
        var keys: [Key] = []
        for _ in 0..<4 { keys.append(backend.readKey(timeoutMs: 300)) }
        backend.restore()
        backend.restore()  // idempotent
        print("PTY-TEST size=\(size) capability=\(backend.capability) glyphs.braille=\(backend.glyphs.braille) keys=\(keys)")
        XCTAssertEqual(backend.size, Size(width: 0, height: 0))
        XCTAssertEqual(backend.readKey(timeoutMs: 0), .none)
    }
}
