import Search

/// What the engine reports as it goes, for headless output (stderr lines or JSON events).
public enum EngineEvent: Sendable {
    /// A trial ended (complete, pruned or failed) and is stored.
    case trialFinished(Trial, best: Trial?, finished: Int, budget: Int, etaSeconds: Double?)
    /// Periodic progress of the running trial.
    case progress(trialID: Int, epoch: Int, epochs: Int, fraction: Double, finished: Int, budget: Int)
    /// A log line (switches, exports, errors).
    case message(String)
    /// The search ended: the budget was met or it was stopped.
    case done(finished: Int, best: Trial?, stopped: Bool)
}
