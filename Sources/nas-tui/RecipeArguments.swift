import ArgumentParser
import NAS

/// `train`'s recipe options (a number's value is taken as given, so `--cutout -3` reaches the
/// range check and its message, instead of reading as a missing value): a named recipe and single values over it (the config keys of a run
/// config are the same names with underscores; `RecipeOptions` checks both the same way).
struct RecipeArguments: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Training recipe: plain (no augmentation or regularisation: the default) or retrain (DARTS-style retraining for 28x28 Fashion-MNIST: crop padding 2, horizontal flip, cutout 8, drop path 0.1, auxiliary weight 0.4, label smoothing 0.1). The options below override single values.",
        valueName: "NAME"))
    var recipe: TrainingRecipe?

    @Option(name: .customLong("crop-padding"), parsing: .unconditional, help: ArgumentHelp("Random crop of the image padded by N black pixels on every side (0: off).", valueName: "N"))
    var cropPadding: Int?

    @Flag(name: .customLong("horizontal-flip"), inversion: .prefixedNo, help: "Flip each training image left-right with probability 1/2.")
    var horizontalFlip: Bool?

    @Option(parsing: .unconditional, help: ArgumentHelp("Cutout: one L x L square at a random centre (clipped at the borders) set to 0 of the normalised image, i.e. the data set's mean (0: off).", valueName: "L"))
    var cutout: Int?

    @Option(name: .customLong("drop-path"), parsing: .unconditional, help: ArgumentHelp("Drop path (darts): the probability, 0 <= P < 1, that a cell edge's output is dropped for a sample, reached linearly over the epochs (epoch e of E uses P·(e-1)/E, as DARTS does; 0: off).", valueName: "P"))
    var dropPath: Double?

    @Option(name: .customLong("auxiliary-weight"), parsing: .unconditional, help: ArgumentHelp("Auxiliary head (darts, training only: saved models have none) after cell 2L/3, its loss weighted by W (DARTS: 0.4; 0: no head).", valueName: "W"))
    var auxiliaryWeight: Double?

    @Option(name: .customLong("label-smoothing"), parsing: .unconditional, help: ArgumentHelp("Label smoothing of the training cross-entropy, 0 <= E < 1 (0: off; the test loss is the plain cross-entropy).", valueName: "E"))
    var labelSmoothing: Double?

    /// The options as `RecipeOptions`.
    var options: RecipeOptions {
        var o = RecipeOptions()
        o.recipe = recipe
        o.cropPadding = cropPadding
        o.horizontalFlip = horizontalFlip
        o.cutout = cutout
        o.dropPath = dropPath
        o.auxiliaryWeight = auxiliaryWeight
        o.labelSmoothing = labelSmoothing
        return o
    }

    func validate() throws {
        do { try options.validate() } catch let error as NASError { throw ValidationError(error.description) }
    }
}
