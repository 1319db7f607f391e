import NAS
import Tensor
import XCTest
@testable import Search

/// TPE with other workers' running trials as constant liars (Optuna's constant_liar).
final class TPEConstantLiarTests: XCTestCase {
    let nb201 = SearchDomain(space: .nb201(channels: 16, cellsPerStage: 5))

    /// A TPE sampler fitted on 40 trials of the conv3x3 objective, and those trials.
    func fitted() throws -> (TPESampler, [Trial]) {
        let tpe = try TPESampler(domain: nb201)
        let trials = try runSearch(tpe, budget: 40, seed: 5, objective: conv3x3Share)
        return (tpe, trials)
    }

    func testRunningTrialsAreLiarsOnlyWhileTheyRunAndLeaveTheModelAsItWas() throws {
        let (tpe, trials) = try fitted()
        let (twin, _) = try fitted()
        // The others run the architectures TPE likes most now: its next proposals.
        var probe = SeededGenerator(seed: 77)
        let liked = try (0..<6).map { _ in try TPESampler(domain: nb201, history: trials).ask(using: &probe) }
        let running = liked.enumerated().map { Trial(id: 100 + $0.offset, genotype: $0.element, strategy: "tpe", worker: "other") }
        tpe.running(running)
        XCTAssertEqual(tpe.liarCount, running.count)
        var changed = 0
        for seed in UInt64(1)...20 {
            var a = SeededGenerator(seed: seed), b = SeededGenerator(seed: seed)
            let withLiars = try tpe.ask(using: &a)
            let without = try TPESampler(domain: nb201, history: trials + running).ask(using: &b)
            XCTAssertFalse(liked.contains(withLiars), "a running architecture is never proposed again")
            if withLiars != without { changed += 1 }
        }
        XCTAssertGreaterThan(changed, 0, "the liars move the proposals")
        // With the liars gone TPE proposes as a sampler that never had them: the temporary rows
        // are removed after each proposal.
        let (fresh, _) = try fitted()
        fresh.running(running)
        var scratch = SeededGenerator(seed: 9)
        let proposed = try fresh.ask(using: &scratch)
        fresh.running([])
        twin.running(running)
        twin.running([])
        twin.tell(Trial(id: 999, genotype: proposed, strategy: "tpe"))
        XCTAssertEqual(tpe.liarCount, 0)
        for seed in UInt64(1)...10 {
            var c = SeededGenerator(seed: 4242 + seed), d = SeededGenerator(seed: 4242 + seed)
            let (x, y) = (try fresh.ask(using: &c), try twin.ask(using: &d))
            XCTAssertEqual(x, y, "seed \(seed): after the liars are gone TPE is the sampler it was")
            fresh.tell(Trial(id: 2000 + Int(seed), genotype: x, strategy: "tpe"))
            twin.tell(Trial(id: 2000 + Int(seed), genotype: y, strategy: "tpe"))
        }
    }

    func testTheStartupTrialsIgnoreLiars() throws {
        let tpe = try TPESampler(domain: nb201)
        var generator = SeededGenerator(seed: 3)
        let running = (0..<5).map { Trial(id: $0, genotype: nb201.sample(using: &generator, avoiding: []), strategy: "random", worker: "other") }
        tpe.running(running)
        var a = SeededGenerator(seed: 8)
        let proposal = try tpe.ask(using: &a)
        XCTAssertFalse(running.map(\.genotype).contains(proposal))
    }
}
