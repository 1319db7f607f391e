import Foundation

/// Opening storages and the studies in them, as every subcommand does it: `run` creates a study
/// (refusing a name that exists unless asked to resume it), `worker` joins one, the others
/// pick one by name or, when the storage holds a single one, that one.
public enum StudyOpening {
    /// Opens the storage the user named: a SQLite file path or a PostgreSQL URL
    /// (`postgresql://user[:password]@host[:port]/database`), its schema created when `create`,
    /// read-only when `readOnly`.
    public static func openStore(_ location: String, create: Bool, readOnly: Bool = false) throws -> StudyStore {
        if PostgresURL.isPostgres(location) {
            return try PostgresStudyStore(url: location, create: create, readOnly: readOnly)
        }
        return try SQLiteStudyStore(path: location, create: create, readOnly: readOnly)
    }

    /// Opens an existing storage to read it (export, studies): with write access when there
    /// is, so an older file migrates in place, else read-only.
    public static func openExisting(_ location: String) throws -> StudyStore {
        let isFile = !PostgresURL.isPostgres(location)
        let writable = !isFile || (FileManager.default.isWritableFile(atPath: location) && !SQLiteStudyStore.isMarkedReadOnly(location))
        return try openStore(location, create: false, readOnly: !writable)
    }

    /// The study name a storage gets when none is given: the SQLite file's name without its
    /// extension (so one-study files keep working), "default" on a database server.
    public static func defaultName(for store: StudyStore) -> String {
        if let sqlite = store as? SQLiteStudyStore, let path = sqlite.path { return SQLiteStudyStore.defaultStudyName(forPath: path) }
        return "default"
    }

    /// `run`: a new study `name` with `settings`, or with `resume` the stored one (its own
    /// settings; `budgetOverride` sets a new budget). A new run on an existing name is refused.
    public static func prepareRun(store: StudyStore, name: String, settings: ExperimentSettings, resume: Bool,
                                  budgetOverride: Int? = nil) throws -> StudyRecord {
        guard resume else {
            try settings.validate()
            return try store.createStudy(name: name, settings: settings.json, budget: settings.budget,
                                         budgetSeconds: settings.budgetSeconds, strategy: settings.strategy.rawValue)
        }
        guard var record = try store.study(named: name) else {
            throw StoreError.noSuchStudy(name: name, location: store.location, available: try store.studyNames())
        }
        if let budgetOverride, budgetOverride != record.budget {
            var stored = try ExperimentSettings.decode(record.settings)
            stored.budget = budgetOverride
            try store.updateSettings(study: record.id, settings: stored.json)
            try store.send(.changeBudget(by: budgetOverride - record.budget), study: record.id, issuer: "resume")
            record = try store.study(named: name) ?? record
        }
        return record
    }

    /// The study `name`, or without a name the storage's only study (or the one named by
    /// default); throws naming the studies there otherwise.
    public static func resolve(store: StudyStore, name: String?) throws -> StudyRecord {
        if let name {
            if let record = try store.study(named: name) { return record }
            throw StoreError.noSuchStudy(name: name, location: store.location, available: try store.studyNames())
        }
        let summaries = try store.studySummaries()
        if summaries.count == 1, let only = try store.study(named: summaries[0].name) { return only }
        if let record = try store.study(named: defaultName(for: store)) { return record }
        if summaries.isEmpty { throw StoreError.notAStudyStorage("\(store.location): holds no study yet") }
        throw StoreError.io("\(store.location) holds \(summaries.count) studies (\(summaries.map(\.name).joined(separator: ", "))); choose one with --study")
    }
}

/// `postgresql://user:password@host:port/database` as it may be printed: without the password.
public enum StorageURL {
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", options: .backwards, range: scheme.upperBound..<url.endIndex) else { return url }
        let credentials = url[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
    }
}
