import CLibPQ
import Foundation

/// libpq pipeline mode: several bound statements in one round trip.
/// Each statement is sent on the unnamed prepared statement, so nothing outlives the transaction and
/// PgBouncer in transaction mode sees an ordinary extended-protocol exchange ending in one Sync.
/// The server runs them in order; the first that fails is the error thrown (with its SQLSTATE) and
/// every statement after it is skipped, so a failure in the middle leaves nothing of the pipeline.
extension PostgresConnection {
    /// Sends every statement in one round trip and returns each one's rows, in order.
    /// Inside a transaction, statements queued by `later` (and the transaction's BEGIN) go first.
    public func pipeline(_ queries: [PostgresQuery]) async throws -> [[PostgresRow]] {
        try await sendPipeline(queries).map(\.rows)
    }

    /// Queues a write whose answer nobody reads: it goes out in order with this transaction's next round
    /// trip (a read, or the COMMIT), and a failure is thrown there, failing the transaction as it would
    /// have here. Outside a transaction it runs now.
    /// Its rows, once sent, are in the answer (read them after the transaction committed).
    @discardableResult
    public func later(_ query: PostgresQuery) async throws -> PostgresAnswer {
        try Self.refuseNUL(query)
        let answer = PostgresAnswer()
        guard inTransaction else {
            answer.fill(try await self.query(query))
            return answer
        }
        pending.append(Queued(query: query, answer: answer))
        return answer
    }

    /// Queued statements, then `queries`: one round trip. Returns the outcomes of `queries` alone.
    func sendPipeline(_ queries: [PostgresQuery]) async throws -> [Outcome] {
        let queued = pending
        let all = queued.map(\.query) + queries
        pending = []
        guard !all.isEmpty else { return [] }
        for query in queries { try Self.refuseNUL(query) }
        let carriesBegin = inTransaction && !transactionSent
        if inTransaction { transactionSent = true }
        PostgresStatementLog.current?.record(roundTrip: all.map(\.sql))
        // a statement that comes twice in one round trip is prepared by its first Parse only
        var known = preparedNames
        let statements = all.map { query in
            let naming = self.statements.naming(query.sql, query.binds.map { Oid($0.oid) }, prepared: known)
            if case .prepare(let name) = naming { known.insert(name) }
            return PipelineStatement(sql: query.sql, binds: query.binds, naming: naming)
        }
        let outcomes: [Outcome]
        do {
            outcomes = try await onQueue { handle in
                try Self.runPipeline(handle, statements) { self.preparedNames.insert($0) }
            }
        } catch let broken as PipelineBroken {
            poisoned = true
            throw broken.error
        } catch let error as PostgresError where error.isPreparedStatementMismatch && statements.contains(where: { $0.naming != .unnamed }) {
            if carriesBegin { transactionOpened = true }
            if self.statements.disable() {
                logger.warning("named prepared statements turned off: the database session changed under this connection (a pooler in transaction mode?)",
                               metadata: ["sqlstate": "\(error.sqlState ?? "")"])
            }
            preparedNames = []
            // inside a transaction the whole transaction runs again (PostgresPool.transaction);
            // alone, the pipeline was its own implicit transaction and ran nothing: send it again unnamed
            guard !inTransaction else { throw error }
            return try await sendPipeline(queries)
        } catch {
            if carriesBegin { transactionOpened = true } // the server answered: BEGIN ran
            throw error
        }
        if carriesBegin { transactionOpened = true }
        for (item, outcome) in zip(queued, outcomes) { item.answer?.fill(outcome.rows) }
        return Array(outcomes.suffix(queries.count))
    }

    /// One statement of a round trip, and whether it goes out named.
    struct PipelineStatement: Sendable {
        var sql: String
        var binds: [PostgresBind]
        var naming: PreparedStatements.Naming
    }

    /// A statement waiting for the next round trip, and where its rows go.
    struct Queued {
        var query: PostgresQuery
        var answer: PostgresAnswer?
    }

    /// The protocol state is unknown after this: the connection must not be used again.
    struct PipelineBroken: Error {
        var error: PostgresError
    }

    static func runPipeline(_ handle: OpaquePointer, _ statements: [PipelineStatement],
                            prepared: (String) -> Void) throws -> [Outcome] {
        guard PQenterPipelineMode(handle) == 1 else { throw PipelineBroken(error: connectionError(handle)) }
        for statement in statements {
            let binds = statement.binds
            let values = binds.map { $0.text.map { strdup($0) } ?? nil }
            defer { values.forEach { free($0) } }
            let pointers = values.map { UnsafePointer<CChar>($0) }
            let types = binds.map { Oid($0.oid) }
            let sent: Int32
            switch statement.naming {
            case .unnamed:
                sent = PQsendQueryParams(handle, statement.sql, Int32(binds.count), types, pointers, nil, nil, 0)
            case .prepared(let name):
                sent = PQsendQueryPrepared(handle, name, Int32(binds.count), pointers, nil, nil, 0)
            case .prepare(let name):
                sent = PQsendPrepare(handle, name, statement.sql, Int32(binds.count), types) == 1
                    ? PQsendQueryPrepared(handle, name, Int32(binds.count), pointers, nil, nil, 0) : 0
            }
            guard sent == 1 else { throw PipelineBroken(error: connectionError(handle)) }
        }
        guard PQpipelineSync(handle) == 1 else { throw PipelineBroken(error: connectionError(handle)) }

        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(statements.count)
        var firstError: PostgresError?
        for statement in statements {
            if case .prepare(let name) = statement.naming {
                // the Parse's own result comes first; once it succeeded the session holds the name,
                // whatever happens to the rest of the pipeline
                while let result = PQgetResult(handle) {
                    defer { PQclear(result) }
                    switch PQresultStatus(result) {
                    case PGRES_COMMAND_OK: prepared(name)
                    case PGRES_PIPELINE_ABORTED: break
                    default: if firstError == nil { firstError = error(of: result, handle) }
                    }
                }
            }
            // one statement's result, then NULL; PIPELINE_ABORTED for those after a failure
            var answer = Outcome(rows: [], affected: 0, commandStatus: "")
            while let result = PQgetResult(handle) {
                defer { PQclear(result) }
                switch PQresultStatus(result) {
                case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                    answer = Self.outcome(of: result)
                case PGRES_PIPELINE_ABORTED:
                    break
                default:
                    if firstError == nil { firstError = error(of: result, handle) }
                }
            }
            guard PQstatus(handle) == CONNECTION_OK else {
                var broken = firstError ?? connectionError(handle)
                broken.kind = .connection
                throw PipelineBroken(error: broken)
            }
            outcomes.append(answer)
        }
        // the Sync's own result ends the pipeline
        var synced = false
        while !synced, let result = PQgetResult(handle) {
            synced = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
        }
        guard synced, PQexitPipelineMode(handle) == 1 else { throw PipelineBroken(error: connectionError(handle)) }
        if let firstError { throw firstError }
        return outcomes
    }
}
