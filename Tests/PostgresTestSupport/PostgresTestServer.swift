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

    public static func run(_ arguments: [String], environment: [String: String] = [:]) -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (127, "", "\(error)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
