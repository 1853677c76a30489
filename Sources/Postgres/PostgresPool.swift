import Logging

/// A bounded pool of connections. Callers wait (up to `acquireTimeout`) for a free connection;
/// broken connections are dropped and replaced on demand, so service resumes by itself after a
/// database restart while callers in between get a clear `.connection` error, never a hang.
public final class PostgresPool: Sendable {
    public let url: String
    public let maxConnections: Int
    public let acquireTimeout: Duration
    let logger: Logger
    private let state: PoolState
    /// Connections that bulk reads (exports) may hold at once; the rest are the money path's reserve.
    public let bulkLimit: Int
    let bulkPermits: PoolPermits
    /// Named prepared statements for this pool's sessions (PreparedStatements.swift); on unless told not to.
    public let statements: PreparedStatements

    public init(url: String, maxConnections: Int = 8, acquireTimeout: Duration = .seconds(10), logger: Logger = Logger(label: "omnimeter.postgres"),
                preparedStatements: Bool = true) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.url = url
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.state = PoolState(maxConnections: maxConnections)
        // a quarter of the pool (at least one connection) is never lent to bulk reads
        self.bulkLimit = maxConnections > 1 ? maxConnections - max(1, maxConnections / 4) : 1
        self.bulkPermits = PoolPermits(bulkLimit)
        self.statements = PreparedStatements(enabled: preparedStatements)
    }

    /// Lends a connection to `body` and takes it back afterwards, dropping it if it broke.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let result = try await body(connection)
            await state.release(connection)
            return result
        } catch {
            await state.release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { try await $0.query(query) }
    }

    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await withConnection { try await $0.execute(query) }
    }

    public func queryFirst(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await withConnection { try await $0.queryFirst(query) }
    }

    /// Closes idle connections and refuses further use.
    public func close() async {
        await state.close()
    }

    /// Open connections, idle connections, waiting callers: for metrics and tests.
    public func statistics() async -> (open: Int, idle: Int, waiting: Int) {
        await state.statistics()
    }

    private func acquire() async throws -> PostgresConnection {
        switch try await state.lease(timeout: acquireTimeout) {
        case .connection(let connection):
            return connection
        case .slot:
            do {
                return try await PostgresConnection.connect(url: url, logger: logger, statements: statements)
            } catch {
                await state.returnSlot()
                logger.warning("database connection failed", metadata: ["error": "\(error)"])
                throw error
            }
        }
    }
}

/// What a caller is given: an idle connection, or the right to open a new one.
enum Lease: Sendable {
    case connection(PostgresConnection)
    case slot
}

actor PoolState {
    private let maxConnections: Int
    private var open = 0
    private var idle: [PostgresConnection] = []
    private var waiters: [(id: Int, continuation: CheckedContinuation<Lease, Error>)] = []
    private var nextWaiterID = 0
    private var closed = false

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    func lease(timeout: Duration) async throws -> Lease {
        guard !closed else { throw PostgresError(.usage, message: "the pool is closed") }
        while let connection = idle.popLast() {
            if connection.checkIdleHealth() { return .connection(connection) }
            // closed by the server while idle: drop it and open a fresh one in its place
            connection.close()
            open -= 1
        }
        if open < maxConnections {
            open += 1
            return .slot
        }
        nextWaiterID += 1
        let id = nextWaiterID
        return try await withCheckedThrowingContinuation { continuation in
            waiters.append((id, continuation))
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(id, after: timeout)
            }
        }
    }

    private func expire(_ id: Int, after timeout: Duration) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: PostgresError(.poolTimeout, message: "no database connection became free within \(timeout)"))
    }

    func release(_ connection: PostgresConnection) {
        if connection.isBroken || closed {
            connection.close()
            returnSlot()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
    }

    /// A slot freed by a failed connect or a dropped connection goes to the next waiter, who opens anew.
    func returnSlot() {
        if !waiters.isEmpty, !closed {
            waiters.removeFirst().continuation.resume(returning: .slot)
        } else {
            open -= 1
        }
    }

    func close() {
        closed = true
        for connection in idle { connection.close() }
        open -= idle.count
        idle.removeAll()
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(.usage, message: "the pool is closed"))
        }
        waiters.removeAll()
    }

    func statistics() -> (open: Int, idle: Int, waiting: Int) {
        (open, idle.count, waiters.count)
    }
}
