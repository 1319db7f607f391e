import Config
import Foundation

/// A training recipe as a user gives it: a named recipe and single values set over it (each nil:
/// the named recipe's value, or today's default when none is named). `train`'s options and a run
/// config's keys (`recipe`, `crop_padding`, …) both fill one, so both accept the same values.
public struct RecipeOptions: Codable, Equatable, Sendable {
    public var recipe: TrainingRecipe?
    public var cropPadding: Int?
    public var horizontalFlip: Bool?
    public var cutout: Int?
    public var dropPath: Double?
    public var auxiliaryWeight: Double?
    public var labelSmoothing: Double?

    public init() {}

    /// Nothing given.
    public var isEmpty: Bool { self == RecipeOptions() }

    /// Each value's config key; its `train` option is `--` and the key with dashes.
    public enum Key: String, CaseIterable, Sendable {
        case recipe, cropPadding = "crop_padding", horizontalFlip = "horizontal_flip", cutout
        case dropPath = "drop_path", auxiliaryWeight = "auxiliary_weight", labelSmoothing = "label_smoothing"

        /// `--crop-padding`.
        public var option: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }
    }

    /// How messages name a value: as the command line's option or as the config's key.
    public enum Naming: Sendable { case option, configKey }

    /// The keys a config's `[experiment]` table (or its top level) may set.
    public static var configKeys: Set<String> { Set(Key.allCases.map(\.rawValue)) }

    /// The first value outside what is accepted: its key, the value and what is accepted.
    public func problem() -> (key: Key, value: String, accepted: String)? {
        if let v = cropPadding, v < 0 { return (.cropPadding, "\(v)", "0 (off) or more pixels") }
        if let v = cutout, v < 0 { return (.cutout, "\(v)", "0 (off) or the side of the square, 1 or more pixels") }
        if let v = dropPath, !(v >= 0 && v < 1) { return (.dropPath, "\(v)", "a probability 0 <= p < 1 (0: off)") }
        if let v = auxiliaryWeight, !(v >= 0 && v.isFinite) {
            return (.auxiliaryWeight, "\(v)", "0 (no auxiliary head) or a positive weight (DARTS: 0.4)")
        }
        if let v = labelSmoothing, !(v >= 0 && v < 1) { return (.labelSmoothing, "\(v)", "0 <= smoothing < 1 (0: off)") }
        return nil
    }

    /// Throws a message naming the first value outside what is accepted: `--cutout -3: accepted: …`
    /// (`cutout -3; accepted: …` as a config key).
    public func validate(naming: Naming = .option) throws {
        if let (key, value, accepted) = problem() {
            throw NASError(naming == .option ? "\(key.option) \(value): accepted: \(accepted)" : "\(key.rawValue) \(value); accepted: \(accepted)")
        }
    }

    /// Reads the recipe keys of `table` (a run config's [experiment] or top level); a value outside
    /// what is accepted is an error naming its file and line.
    public mutating func read(_ table: TOMLTable) throws {
        if table.contains("recipe") { recipe = try table.choice("recipe", of: TrainingRecipe.self) }
        if table.contains("crop_padding") { cropPadding = try table.int("crop_padding") }
        if table.contains("horizontal_flip") { horizontalFlip = try table.bool("horizontal_flip") }
        if table.contains("cutout") { cutout = try table.int("cutout") }
        if table.contains("drop_path") { dropPath = try table.double("drop_path") }
        if table.contains("auxiliary_weight") { auxiliaryWeight = try table.double("auxiliary_weight") }
        if table.contains("label_smoothing") { labelSmoothing = try table.double("label_smoothing") }
        if let (key, value, accepted) = problem() { throw table.error("\(key.rawValue) \(value); accepted: \(accepted)", at: table[key.rawValue]) }
    }

    /// Sets these options in `settings`: the named recipe's values, then each value given. In a
    /// space whose networks have no drop path and auxiliary head (nb201, chain), the named
    /// recipe's are left off (the returned note says so) and ones given one by one are an error.
    @discardableResult
    public func apply(to settings: inout TrainingSettings, space: SpaceName, naming: Naming = .option) throws -> [String] {
        try validate(naming: naming)
        recipe?.apply(to: &settings)
        if let v = cropPadding { settings.augmentation.cropPadding = v }
        if let v = horizontalFlip { settings.augmentation.horizontalFlip = v }
        if let v = cutout { settings.augmentation.cutout = v }
        if let v = dropPath { settings.dropPathProbability = Float(v) }
        if let v = auxiliaryWeight { settings.auxiliaryWeight = Float(v) }
        if let v = labelSmoothing { settings.labelSmoothing = Float(v) }
        guard space != .darts else { return [] }
        if let v = dropPath, v > 0 {
            throw NASError("\(Self.name(.dropPath, naming)) \(v): \(space.rawValue) networks have no drop path; accepted: 0 (or a darts architecture)")
        }
        if let v = auxiliaryWeight, v > 0 {
            throw NASError("\(Self.name(.auxiliaryWeight, naming)) \(v): \(space.rawValue) networks have no auxiliary head; accepted: 0 (or a darts architecture)")
        }
        guard settings.dropPathProbability > 0 || settings.auxiliaryWeight > 0 else { return [] }
        settings.dropPathProbability = 0
        settings.auxiliaryWeight = 0
        return ["recipe \(recipe?.rawValue ?? ""): drop path and the auxiliary head are for darts networks; both are off for this \(space.rawValue) network"]
    }

    private static func name(_ key: Key, _ naming: Naming) -> String {
        naming == .option ? key.option : key.rawValue
    }
}
