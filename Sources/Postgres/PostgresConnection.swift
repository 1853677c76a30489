import CLibPQ
import Dispatch
import Foundation
import Logging

/// One libpq connection. libpq calls block, so each runs on the connection's own serial queue,
/// never on Swift's cooperative threads or an event loop. A connection is used by one caller at a time
/// (the pool hands it out exclusively), which is what makes `@unchecked Sendable` sound.
public final class PostgresConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private let queue: DispatchQueue
    let logger: Logger
    /// Statements that go out with the next round trip, first (a transaction's BEGIN, writes queued by
    /// `later`): see PostgresConnection+Pipeline.swift.
    var pending: [Queued] = []
    /// Inside `PostgresPool.transaction`: `later` queues instead of sending.
    var inTransaction = false
    /// A round trip of the open transaction went out (its BEGIN is no longer only queued).
    var transactionSent = false
    /// A round trip carrying the transaction's BEGIN was answered.
    var transactionOpened = false
    /// A pipeline left the session in an unknown protocol state: the pool drops it.
    var poisoned = false
    /// The pool's naming of statements, and the names this session has prepared (PreparedStatements.swift).
    let statements: PreparedStatements
    var preparedNames: Set<String> = []

    private init(handle: OpaquePointer, logger: Logger, statements: PreparedStatements) {
        self.handle = handle
        self.queue = DispatchQueue(label: "omnimeter.postgres.connection")
        self.logger = logger
        self.statements = statements
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Settings every session gets, overridable by the connection string (the string is expanded after them).
    static let sessionDefaults: [(String, String)] = [
        ("connect_timeout", "5"),
        ("application_name", "omnimeter"),
        ("keepalives", "1"),
        ("keepalives_idle", "10"),
        ("keepalives_interval", "5"),
        ("keepalives_count", "3"),
    ]

    /// Timestamps come back in UTC and ISO style. libpq sends `PGTZ` and `PGDATESTYLE` as the startup
    /// parameters `timezone` and `datestyle`, which PostgreSQL applies and PgBouncer (1.18 too) keeps per
    /// client in transaction mode. An `options` startup parameter would be refused by PgBouncer before
    /// 1.20, and a `SET` would leak between the pooler's clients. Set once, before the first connect.
    static let sessionEnvironment: Void = {
        setenv("PGTZ", "UTC", 1)
        setenv("PGDATESTYLE", "ISO", 1)
    }()

    /// Opens a connection; `url` is a libpq connection string or URI.
    public static func connect(url: String, logger: Logger,
                               statements: PreparedStatements = PreparedStatements(enabled: false)) async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            _ = sessionEnvironment
            DispatchQueue.global().async {
                let pairs = sessionDefaults + [("dbname", url)]
                let keywords = pairs.map { strdup($0.0) }
                let values = pairs.map { strdup($0.1) }
                defer {
                    keywords.forEach { free($0) }
                    values.forEach { free($0) }
                }
                var keywordPointers = keywords.map { UnsafePointer<CChar>($0) } + [nil]
                var valuePointers = values.map { UnsafePointer<CChar>($0) } + [nil]
                guard let handle = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
                    continuation.resume(throwing: PostgresError(.connection, message: "out of memory opening a connection"))
                    return
                }
                guard PQstatus(handle) == CONNECTION_OK else {
                    let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
                    PQfinish(handle)
                    continuation.resume(throwing: PostgresError(.connection, message: message))
                    return
                }
                // server NOTICEs ("already exists, skipping") are not errors: keep them off stderr
                PQsetNoticeReceiver(handle, { _, _ in }, nil)
                continuation.resume(returning: PostgresConnection(handle: handle, logger: logger, statements: statements))
            }
        }
    }

    /// True when the session is known to be unusable; the pool then drops it.
    public var isBroken: Bool {
        guard let handle, !poisoned else { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// Notices a connection the server closed while it sat idle (restart, admin shutdown)
    /// without a round trip: a readable socket on an idle session means EOF or a FATAL message.
    func checkIdleHealth() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready == 0 { return true }
        if PQconsumeInput(handle) == 0 { return false }
        return PQstatus(handle) == CONNECTION_OK && PQisBusy(handle) == 0
    }

    func close() {
        queue.sync {
            if let handle { PQfinish(handle) }
            handle = nil
        }
    }

    /// Runs blocking libpq work on this connection's queue.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let handle = self.handle else {
                    continuation.resume(throwing: PostgresError(.connection, message: "connection is closed"))
                    return
                }
                continuation.resume(with: Result { try body(handle) })
            }
        }
    }

    // MARK: statements

    /// Runs a statement with bound parameters and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await run(query).rows
    }

    /// Runs a statement and returns the number of rows it touched.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await run(query).affected
    }

    /// The first row, or nil.
    public func queryFirst(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await run(query).rows.first
    }

    /// Runs trusted SQL text with no parameters, possibly several statements (migration files, BEGIN/COMMIT).
    /// Never pass text that holds a user's value: use `query` with interpolation for that.
    public func executeScript(_ sql: String) async throws {
        if !pending.isEmpty { _ = try await sendPipeline([]) } // PQexec cannot join a pipeline: queued statements go first
        PostgresStatementLog.current?.record(sql)
        _ = try await onQueue { handle in
            try Self.withResult(PQexec(handle, sql), handle) { _ in 0 }
        }
    }

    struct Outcome: Sendable {
        var rows: [PostgresRow]
        var affected: Int
        var commandStatus: String
    }

    func run(_ query: PostgresQuery) async throws -> Outcome {
        // queued statements and this one in one round trip
        if !pending.isEmpty { return try await sendPipeline([query])[0] }
        let sql = query.sql
        let binds = query.binds
        // a statement that may be named goes out as a pipeline of one (which names it): its Parse, if
        // new, rides with its run
        if !binds.isEmpty, statements.isEnabled { return try await sendPipeline([query])[0] }
        try Self.refuseNUL(query)
        PostgresStatementLog.current?.record(sql)
        return try await onQueue { handle in
            let values = binds.map { $0.text.map { strdup($0) } ?? nil }
            defer { values.forEach { free($0) } }
            let pointers = values.map { UnsafePointer<CChar>($0) }
            let types = binds.map { Oid($0.oid) }
            let result = PQexecParams(handle, sql, Int32(binds.count), types, pointers, nil, nil, 0)
            return try Self.withResult(result, handle) { result in Self.outcome(of: result) }
        }
    }

    /// libpq takes C strings: a NUL would silently cut the value, so refuse it.
    static func refuseNUL(_ query: PostgresQuery) throws {
        for bind in query.binds where bind.text?.utf8.contains(0) == true {
            throw PostgresError(.usage, message: "a bound text value contains a NUL byte")
        }
    }

    /// Checks a result, turns failures into `PostgresError`, and always clears it.
    static func withResult<T>(_ result: OpaquePointer?, _ handle: OpaquePointer, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let result else { throw connectionError(handle) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_COPY_OUT:
            return try body(result)
        default:
            throw error(of: result, handle)
        }
    }

    static func outcome(of result: OpaquePointer) -> Outcome {
        Outcome(
            rows: rows(of: result),
            affected: Int(String(cString: PQcmdTuples(result))) ?? 0,
            commandStatus: String(cString: PQcmdStatus(result))
        )
    }

    static func connectionError(_ handle: OpaquePointer) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(.connection, message: message.isEmpty ? "connection lost" : message)
    }

    static func error(of result: OpaquePointer, _ handle: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        let broken = PQstatus(handle) != CONNECTION_OK
        let sqlState = field("C")
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(
            broken || sqlState == nil ? .connection : .server,
            sqlState: sqlState,
            message: message.isEmpty ? "connection lost" : message,
            detail: field("D"),
            constraint: field("n")
        )
    }

    static func rows(of result: OpaquePointer) -> [PostgresRow] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        guard rowCount > 0 else { return [] }
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        return rows
    }
}
