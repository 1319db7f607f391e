/// Why a training run (a trial) was stopped before its last epoch. The engine maps each reason
/// to a trial status exhaustively, so a new reason cannot slip through as the wrong one.
public enum StopReason: Equatable, Sendable, CustomStringConvertible {
    /// The user pruned the trial (`x`, or a prune command from another process).
    case prunedByUser
    /// A pruner judged the trial's validation curve at `epoch`.
    case prunedByPruner(name: String, epoch: Int)
    /// The process is stopping (q, SIGINT/SIGTERM, a stop command): the trial is interrupted,
    /// not judged, and is evaluated again when the study continues.
    case stoppedByUser
    /// A DARTS epoch cut short to switch strategy: the supernet's genotype so far is kept.
    case strategySwitch

    public var description: String {
        switch self {
        case .prunedByUser: return "pruned by the user"
        case let .prunedByPruner(name, epoch): return "pruned by the \(name) pruner at epoch \(epoch)"
        case .stoppedByUser: return "interrupted: stopped by the user before the trial finished"
        case .strategySwitch: return "cut short for a strategy switch"
        }
    }
}
