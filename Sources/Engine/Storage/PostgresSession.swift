import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A value bound to a statement's `$n`.
enum PostgresBind {
    case int(Int?)
    case double(Double?)
    case text(String?)
    case ints([Int])
    case doubles([Double])
}

/// One connection to a PostgreSQL server, used from the engine's synchronous threads: each
/// statement is sent on the session's own event loop (a dedicated one-thread group) and its
/// result waited for on the calling thread, which is never an event-loop thread, so a wait
/// cannot block the loop it waits on. Calls are serialised by a lock.
///
/// When the connection is lost (the server restarts, the network drops) the interrupted
/// operation is retried on a new connection for up to `reconnectSeconds`, after `onReconnect`;
/// past that it throws a message that names the server (never the password).
final class PostgresSession: @unchecked Sendable {
    let url: PostgresURL
    /// Seconds a lost server is waited for before the operation fails.
    var reconnectSeconds: Double
    /// Runs on the new connection before the interrupted operation is retried.
    var onReconnect: (() throws -> Void)?
    /// How many times the connection was re-established (tests, notes).
    private(set) var reconnections = 0

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var connection: PostgresConnection?
    private let lock = NSRecursiveLock()
    private var logger: Logger = {
        var logger = Logger(label: "nas-tui.postgres")
        logger.logLevel = .critical
        return logger
    }()
    private var nextConnectionID = 1
    private var inOperation = false

    /// Connects; throws a message naming the URL without its password (refused, credentials,
    /// no such database, timeout).
    init(url: PostgresURL, reconnectSeconds: Double = Double(ProcessInfo.processInfo.environment["NAS_TUI_PG_RECONNECT_SECONDS"] ?? "") ?? 60) throws {
        self.url = url
        self.reconnectSeconds = reconnectSeconds
        do {
            connection = try connect()
        } catch {
            try? group.syncShutdownGracefully()
            throw StoreError.io("\(url.redacted): \(Self.describe(error, url: url))")
        }
    }

    deinit {
        _ = try? connection?.close().wait()
        try? group.syncShutdownGracefully()
    }

    private func connect() throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                             password: url.password, database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        let id = nextConnectionID
        nextConnectionID += 1
        let connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: "SET search_path TO \(PostgresSchema.name)"), logger: logger).wait()
        } catch {
            _ = try? connection.close().wait()
            throw error
        }
        return connection
    }

    /// Runs `body` (statements through `execute`) as one operation: after a lost connection,
    /// reconnects and runs it again from the start.
    func perform<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if inOperation { return try body() }
        inOperation = true
        defer { inOperation = false }
        var deadline: Date?
        var lastError: Error?
        while true {
            do {
                if connection == nil {
                    connection = try connect()
                    reconnections += 1
                    try onReconnect?()
                }
                return try body()
            } catch {
                guard Self.isConnectionLoss(error) else { throw error }
                if let connection { _ = try? connection.close().wait() }
                connection = nil
                lastError = error
                let limit = deadline ?? Date().addingTimeInterval(reconnectSeconds)
                deadline = limit
                guard Date() < limit else {
                    throw StoreError.io("\(url.redacted): lost the connection to the PostgreSQL server at \(url.server) and could not "
                        + "reconnect within \(Int(reconnectSeconds)) s (\(Self.describe(lastError!, url: url))); every committed trial is kept "
                        + "in the server, start the worker again when it is back")
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
    }

    /// One statement on the current connection; its rows.
    @discardableResult
    func execute(_ sql: String, _ binds: [PostgresBind] = []) throws -> [PostgresRandomAccessRow] {
        lock.lock()
        defer { lock.unlock() }
        guard let connection, !connection.isClosed else { throw NotConnected() }
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .int(let value): if let value { bindings.append(value) } else { bindings.appendNull() }
            case .double(let value): if let value { bindings.append(value) } else { bindings.appendNull() }
            case .text(let value): if let value { bindings.append(value) } else { bindings.appendNull() }
            case .ints(let values): bindings.append(values)
            case .doubles(let values): bindings.append(values)
            }
        }
        let result = try wait(for: connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger), on: connection)
        return result.rows.map { $0.makeRandomAccess() }
    }

    /// The future's value, waited for on this (non event-loop) thread. A query sent on a
    /// connection the server closed meanwhile may never be answered: the connection is checked
    /// every half second and a closed one counts as a lost connection.
    private func wait<T>(for future: EventLoopFuture<T>, on connection: PostgresConnection) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { result in
            box.result = result
            done.signal()
        }
        while done.wait(timeout: .now() + 0.5) == .timedOut {
            if connection.isClosed { throw NotConnected() }
        }
        return try box.result!.get()
    }

    /// `body` in BEGIN … COMMIT (rolled back when it throws), as one retried operation.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try perform {
            try execute("BEGIN")
            do {
                let value = try body()
                try execute("COMMIT")
                return value
            } catch {
                if !Self.isConnectionLoss(error) { _ = try? execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Whether `error` means the connection is gone (rather than a statement that failed).
    static func isConnectionLoss(_ error: Error) -> Bool {
        guard let error = error as? PSQLError else { return error is NotConnected || error is ChannelError || error is IOError }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .messageDecodingFailure,
             .unexpectedBackendMessage:
            return true
        case .server:
            // 57P01-57P03: the administrator or a crash shut the server down; 08xxx: connection exceptions.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        default:
            return false
        }
    }

    /// The error as a user reads it: the server's own message, or what failed on the way there.
    static func describe(_ error: Error, url: PostgresURL) -> String {
        if let error = error as? StoreError { return error.description }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            let message = info[.message] ?? "error"
            switch info[.sqlState] ?? "" {
            case "28P01", "28000":
                return "the server at \(url.server) refused the credentials of user \(url.user) (\(message)); accepted: a user and password the server knows"
            case "3D000":
                return "the server at \(url.server) has no database \(url.database) (\(message)); create it (createdb \(url.database)) or name another"
            case let state:
                return "the server at \(url.server) said: \(message) (SQLSTATE \(state))"
            }
        }
        switch error.code {
        case .connectionError:
            let cause = error.underlying.map { "\($0)" } ?? "no answer"
            return "cannot connect to a PostgreSQL server at \(url.server) (\(cause)); accepted: the address of a running server"
        case .authMechanismRequiresPassword:
            return "the server at \(url.server) asks for a password and the URL has none; write postgresql://\(url.user):PASSWORD@\(url.server)/\(url.database)"
        case .unsupportedAuthMechanism:
            return "the server at \(url.server) asks for an authentication method this build does not speak (accepted: trust, password, md5, scram-sha-256)"
        case .serverClosedConnection, .uncleanShutdown:
            return "the server at \(url.server) closed the connection"
        default:
            return "PostgreSQL error \(error.code) talking to \(url.server)\(error.underlying.map { ": \($0)" } ?? "")"
        }
    }
}

/// A future's result handed from the event loop to the waiting thread (the semaphore orders them).
private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

/// The session has no connection (a reconnection is due).
struct NotConnected: Error {}

extension PostgresRandomAccessRow {
    func int(_ column: String) throws -> Int { try self[column].decode(Int.self) }
    func optionalInt(_ column: String) throws -> Int? { try self[column].decode(Int?.self) }
    func double(_ column: String) throws -> Double { try self[column].decode(Double.self) }
    func optionalDouble(_ column: String) throws -> Double? { try self[column].decode(Double?.self) }
    func text(_ column: String) throws -> String { try self[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try self[column].decode(String?.self) }
}
