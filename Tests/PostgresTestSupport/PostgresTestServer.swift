import Foundation
import XCTest

/// A PostgreSQL server of the tests' own, through tools/pg_test_server.sh: `initdb` into a new
/// temporary directory, started on a free loopback port, stopped (and its directory removed)
/// by `stop`. Tests never touch a server they did not start. Without PostgreSQL's binaries
/// the tests skip, saying so.
public final class PostgresTestServer: @unchecked Sendable {
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../tools/pg_test_server.sh").standardized.path

    public let directory: String
    /// postgresql://nastui:PASSWORD@127.0.0.1:PORT/nastui
    public let url: String
    public let password = "s3cret-pw"

    /// Starts a server, or throws XCTSkip when the binaries are missing.
    public init() throws {
        directory = NSTemporaryDirectory() + "nas-tui-pg-\(UUID().uuidString.prefix(8))"
        let (status, out, err) = Self.run([Self.script, "start", directory])
        if status == 3 { throw XCTSkip("PostgreSQL tests skipped: \(err.trimmingCharacters(in: .whitespacesAndNewlines))") }
        guard status == 0 else { throw NSError(domain: "pg", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "pg_test_server start: \(err)"]) }
        url = out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var port: Int { Int(url.split(separator: ":").last!.split(separator: "/").first!)! }

    /// `url` with another database or password.
    public func url(database: String? = nil, password: String? = nil) -> String {
        "postgresql://nastui:\(password ?? self.password)@127.0.0.1:\(port)/\(database ?? "nastui")"
    }

    @discardableResult
    public func control(_ command: String, _ extra: [String] = []) -> (Int32, String, String) {
        Self.run([Self.script, command, directory] + extra)
    }

    /// Runs `sql` as the superuser; its output.
    @discardableResult
    public func psql(_ sql: String, database: String = "nastui") -> String {
        let (_, out, err) = Self.run([Self.script, "psql", directory, sql], environment: ["PGDATABASE": database])
        return out + err
    }

    public func stop() { control("stop") }

    private var databases = 0
    /// A new empty database on this server (one per test), as a storage URL.
    public func createDatabase() -> String {
        databases += 1
        let name = "t\(databases)_\(UUID().uuidString.prefix(6).lowercased())"
        let output = psql("CREATE DATABASE \(name)", database: "postgres")
        precondition(output.isEmpty, "CREATE DATABASE \(name): \(output)")
        return url(database: name)
    }

    /// The database name of a storage URL.
    public static func database(of url: String) -> String { String(url.split(separator: "/").last!) }

    /// Runs `arguments` with /bin/sh, its output in temporary files (not pipes: the server it
    /// starts must not hold them) and its exit waited for with waitpid.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) -> (Int32, String, String) {
        let base = NSTemporaryDirectory() + "nas-tui-pgrun-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base + ".out"); try? FileManager.default.removeItem(atPath: base + ".err") }
        let env = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let command = "\(env) /bin/sh \(quoted) </dev/null >'\(base).out' 2>'\(base).err'"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return (127, "", "cannot start /bin/sh") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, out, err)
    }
}
