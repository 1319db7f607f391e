import Benchmarks
import Search
import XCTest

final class WorkloadsTests: XCTestCase {
    /// W2 times the search's own bi-level step: every warm-up and timed call is a `DartsSearch`
    /// step (the weights and the alphas each get their update there; DartsSearchTests check it).
    func testW2TimesDartsSearchSteps() throws {
        var timed: DartsSearch?
        let result = try Workloads.w2(steps: 1, warmup: 1) { timed = $0 }
        let search = try XCTUnwrap(timed)
        XCTAssertEqual(search.completedSteps, 2, "1 warm-up step and 1 timed step")
        XCTAssertEqual(result.parameters, search.network.parameterCount)
        XCTAssertGreaterThan(result.milliseconds, 0)
    }
}
