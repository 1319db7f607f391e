import XCTest
import Engine
@testable import TUI

/// The Loss pane draws a running trial's sub-epoch training loss live, through the app's loop
/// on an in-memory terminal.
final class LossPaneStepsTests: XCTestCase {
    /// The study fixture whose running trial has finished no epoch yet and has `points` of its
    /// 20 loss points of the first epoch (loss falling from 2.3).
    private func study(points: Int) -> Snapshot {
        var s = Fixture.study()
        s.running?.curve = []
        s.running?.steps = (1...max(points, 1)).prefix(points).map { k in
            LossPoint(epoch: Double(k) / 20, loss: 2.3 - 0.06 * Double(k))
        }
        s.runningProgress = Double(points) / 20
        return s
    }

    /// The columns of the train-loss dots (braille cells in the train colour) inside the Loss
    /// pane's border, found by its title "┌ Loss " on the screen.
    private func trainColumns(_ canvas: Canvas) throws -> Set<Int> {
        let lines = canvas.lines()
        let top = try XCTUnwrap(lines.firstIndex { $0.contains("┌ Loss ") }, canvas.text)
        let row = Array(lines[top])
        let left = try XCTUnwrap((0..<row.count).first { String(row[$0...]).hasPrefix("┌ Loss ") })
        let right = try XCTUnwrap((left + 1..<row.count).first { row[$0] == "┐" })
        let bottom = try XCTUnwrap((top + 1..<canvas.height).first { canvas[left, $0].char == "└" })
        var columns: Set<Int> = []
        for y in top + 1..<bottom {
            for x in left + 1..<right {
                let cell = canvas[x, y]
                guard let scalar = cell.char.unicodeScalars.first, (0x2801...0x28FF).contains(scalar.value) else { continue }
                if cell.style.fg == LossPane.trainStyle.fg { columns.insert(x) }
            }
        }
        return columns
    }

    func testARunningTrialsLossPointsAreDrawnAsTheyArrive() throws {
        let store = StateStore()
        store.publish(study(points: 0))
        let backend = TestBackend(size: Size(width: 120, height: 40))
        var screens: [Canvas] = []
        let keep = { if let screen = backend.screen { screens.append(screen) } }
        backend.append([.idle, .call(keep), .call { store.publish(self.study(points: 10)) }, .idle, .call(keep),
                        .call { store.publish(self.study(points: 20)) }, .idle, .call(keep)])
        let app = DashboardLoop(store: store, backend: backend, mode: .view, themes: nil, themeName: "default",
                                validate: { _ in nil }, engineDone: { false }, clock: { backend.clock })
        XCTAssertEqual(app.run(maxFrames: 12), .frameLimit)
        XCTAssertEqual(screens.count, 3)
        let first = try XCTUnwrap(screens.first)
        XCTAssertEqual(try trainColumns(first), [], "no points yet: only the other trials' faint curves")
        let half = screens[1]
        XCTAssertTrue(half.text.contains("epoch 0.5"), "the legend follows the sub-epoch points\n\(half.text)")
        let full = screens[2]
        XCTAssertTrue(full.text.contains("train 1.1000"), "the last point's loss in the legend\n\(full.text)")
        XCTAssertTrue(full.text.contains("epoch 1"))
        let halfColumns = try trainColumns(half), fullColumns = try trainColumns(full)
        XCTAssertGreaterThanOrEqual(halfColumns.count, 8, "10 points drawn as a curve: \(halfColumns.sorted())")
        XCTAssertGreaterThan(fullColumns.count, halfColumns.count + 5, "20 points reach further right: \(fullColumns.sorted())")
        XCTAssertGreaterThan(fullColumns.max()!, halfColumns.max()!)
    }
}
