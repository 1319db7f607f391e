import NAS
import Tensor

/// A strategy that chooses the fidelity of each evaluation as well as the architecture: the
/// engine evaluates the proposal at `fidelity` (epochs of training, or a table's cheap column)
/// and tells the trial back with `Trial.fidelity` set when it was below the full one.
public protocol MultiFidelityStrategy: SampleStrategy {
    /// The fidelities it evaluates at, cheapest first; the last is the full one.
    var levels: [Int] { get }
    /// The next candidate and the fidelity to evaluate it at (one of `levels`).
    func askWithFidelity(using generator: inout SeededGenerator) throws -> (genotype: Genotype, fidelity: Int)
}
