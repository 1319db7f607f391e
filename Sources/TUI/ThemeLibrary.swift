import Foundation

/// The theme files (`NAME.toml`) of a directory: lists them, loads one by name, cycles to the
/// next (key T).
public struct ThemeLibrary: Sendable {
    public var directory: String

    /// The extension of a theme file: themes are TOML.
    public static let fileExtension = ".toml"

    public init(directory: String) { self.directory = directory }

    /// Theme names (file names without `.toml`), sorted, with `default` first when present.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let ext = Self.fileExtension
        let names = files.filter { $0.hasSuffix(ext) && $0.count > ext.count }.map { String($0.dropLast(ext.count)) }.sorted()
        guard let i = names.firstIndex(of: "default") else { return names }
        var out = names
        out.remove(at: i)
        return ["default"] + out
    }

    public func path(of name: String) -> String {
        (directory as NSString).appendingPathComponent(name + Self.fileExtension)
    }

    /// Loads a theme by name. `default` falls back to the built-in theme when the file is missing;
    /// any other unknown name is an error that lists the themes on offer.
    public func load(_ name: String) throws -> Theme {
        let p = path(of: name)
        if FileManager.default.fileExists(atPath: p) { return try Theme.load(path: p) }
        if name == "default" { return .builtinDefault }
        let have = names()
        throw ThemeError(file: p, line: nil, key: nil,
                         message: "no theme named \"\(name)\"; available: " +
                            (have.isEmpty ? "default (built in)" : have.joined(separator: ", ")))
    }

    /// The theme after `name` in `names()`, wrapping around (the first one when `name` is unknown).
    public func next(after name: String) -> String {
        let all = names()
        guard !all.isEmpty else { return "default" }
        guard let i = all.firstIndex(of: name) else { return all[0] }
        return all[(i + 1) % all.count]
    }

    /// Where to look for themes, in order: `$NAS_TUI_THEMES`, `./themes`, `themes/` beside the
    /// executable, then `../share/nas-tui/themes` relative to it. Returns the first that exists.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String? = CommandLine.arguments.first) -> ThemeLibrary? {
        var candidates: [String] = []
        if let d = environment["NAS_TUI_THEMES"], !d.isEmpty { candidates.append(d) }
        candidates.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("themes"))
        if let exe = executablePath {
            let dir = ((exe as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            candidates.append((dir as NSString).appendingPathComponent("themes"))
            candidates.append((dir as NSString).appendingPathComponent("../share/nas-tui/themes"))
        }
        var isDir: ObjCBool = false
        for c in candidates where FileManager.default.fileExists(atPath: c, isDirectory: &isDir) && isDir.boolValue {
            return ThemeLibrary(directory: c)
        }
        return nil
    }
}
