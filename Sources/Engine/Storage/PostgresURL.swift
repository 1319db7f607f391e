import Foundation

/// `postgresql://user[:password]@host[:port]/database` (or `postgres://`), parsed. Its
/// `redacted` form, without the password, is the one every message prints.
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    /// What a PostgreSQL storage looks like, for messages.
    public static let accepted = "postgresql://user[:password]@host[:port]/database"

    /// Whether `location` names a PostgreSQL storage (rather than a SQLite file).
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// Parses `text`; throws a message naming the URL without its password and what is accepted.
    public init(_ text: String) throws {
        let shown = StorageURL.redacted(text)
        func bad(_ why: String) -> StoreError {
            StoreError.io("\(shown): not a PostgreSQL storage URL (\(why)); accepted: \(Self.accepted)")
        }
        guard let scheme = text.range(of: "://"), Self.isPostgres(text) else { throw bad("the scheme must be postgresql://") }
        var rest = String(text[scheme.upperBound...])
        if rest.contains("?") || rest.contains("#") { throw bad("query parameters are not accepted") }
        guard let at = rest.lastIndex(of: "@") else { throw bad("no user: write user@host") }
        let credentials = String(rest[..<at])
        rest = String(rest[rest.index(after: at)...])
        let userPart: Substring, passwordPart: Substring?
        if let colon = credentials.firstIndex(of: ":") {
            userPart = credentials[..<colon]; passwordPart = credentials[credentials.index(after: colon)...]
        } else {
            userPart = Substring(credentials); passwordPart = nil
        }
        guard let user = String(userPart).removingPercentEncoding, !user.isEmpty else { throw bad("no user: write user@host") }
        let password = try passwordPart.map { part -> String in
            guard let decoded = String(part).removingPercentEncoding else { throw bad("the password has a bad % escape") }
            return decoded
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("no database: end the URL with /database") }
        let hostPort = String(rest[..<slash])
        guard let database = String(rest[rest.index(after: slash)...]).removingPercentEncoding, !database.isEmpty,
              !database.contains("/") else { throw bad("no database: end the URL with /database") }
        var host = hostPort, portText: String?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("an IPv6 host needs its closing ]") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad("text after the host's ]") }
                portText = String(after.dropFirst())
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon]); portText = String(hostPort[hostPort.index(after: colon)...])
        }
        guard !host.isEmpty else { throw bad("no host") }
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw bad("port '\(portText)' is not 1 to 65535") }
            port = value
        }
        self.user = user; self.password = password; self.host = host; self.port = port; self.database = database
    }

    /// The server as messages name it: host:port.
    public var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL without its password.
    public var redacted: String { "postgresql://\(user)\(password == nil ? "" : ":***")@\(server)/\(database)" }
}
