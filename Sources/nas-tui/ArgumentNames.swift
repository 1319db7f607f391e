import ArgumentParser
import Engine
import NAS

// The command line's names are the enums' own (argument-parser lists them in --help and in the
// message for a value outside them).
extension SpaceName: ExpressibleByArgument {}
extension StrategyName: ExpressibleByArgument {}
extension PrunerName: ExpressibleByArgument {}
extension TrainingRecipe: ExpressibleByArgument {}
