/// A named training recipe (`train --recipe NAME`, `recipe = "NAME"` in a config): the
/// augmentation and regularisation a run trains with. Epochs, width and depth stay the
/// caller's: the recipe says how to train, not for how long.
public enum TrainingRecipe: String, CaseIterable, Codable, Sendable {
    /// No augmentation, no drop path, no auxiliary head, plain cross-entropy: what `train` and
    /// every search trial do unless told otherwise (the PyTorch parity harness's recipe).
    case plain
    /// DARTS's CIFAR retraining recipe adapted to 28x28 Fashion-MNIST: random crop with 2 pixels
    /// of padding, horizontal flip, cutout 8, drop path 0.1, auxiliary head weight 0.4, label
    /// smoothing 0.1 (drop path and the head on darts networks only).
    case retrain

    /// The names, for messages: "plain, retrain".
    public static var acceptedText: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Sets the recipe's values in `settings`: augmentation, drop path, auxiliary weight and
    /// label smoothing (nothing else), and names the recipe there.
    public func apply(to settings: inout TrainingSettings) {
        switch self {
        case .plain:
            settings.augmentation = .none
            settings.dropPathProbability = 0
            settings.auxiliaryWeight = 0
            settings.labelSmoothing = 0
        case .retrain:
            settings.augmentation = Augmentation(cropPadding: 2, horizontalFlip: true, cutout: 8)
            settings.dropPathProbability = 0.1
            settings.auxiliaryWeight = 0.4
            settings.labelSmoothing = 0.1
        }
        settings.recipe = self
    }
}
