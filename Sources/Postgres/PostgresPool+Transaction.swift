public enum IsolationLevel: Sendable {
    case readCommitted
    case repeatableRead
    case serializable

    var beginStatement: String {
        switch self {
        case .readCommitted: "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}

extension PostgresPool {
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    /// A serialization failure or deadlock (40001, 40P01) runs it again from the start, at most
    /// `maxAttempts` times in all, so `body` must have no effects outside the database.
    /// A connection that fails before BEGIN is answered is also retried (nothing ran yet);
    /// a failure during COMMIT is not: its outcome is unknown and the caller must know that.
    @discardableResult
    public func transaction<T: Sendable>(
        _ isolation: IsolationLevel = .readCommitted,
        maxAttempts: Int = 5,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        precondition(maxAttempts >= 1)
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await Self.runTransaction(on: connection, isolation, body)
                }
            } catch let error as TransactionRetry where error.underlying.isPreparedStatementMismatch && statements.isEnabled == false {
                // named statements were just turned off for this pool (PreparedStatements.swift): not an attempt
                logger.debug("running the transaction again unnamed", metadata: ["reason": "\(error.underlying)"])
            } catch let error as TransactionRetry where attempt < maxAttempts {
                logger.debug("retrying transaction", metadata: ["attempt": "\(attempt)", "reason": "\(error.underlying)"])
                attempt += 1
                // jittered backoff, bounded: 1..(4·attempt) ms
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(4 * attempt))))
            } catch let error as TransactionRetry {
                throw error.underlying
            }
        }
    }

    /// BEGIN is not a round trip of its own: it is queued and goes out with the body's first statement;
    /// COMMIT goes out with the writes the body queued with `later`.
    private static func runTransaction<T: Sendable>(
        on connection: PostgresConnection,
        _ isolation: IsolationLevel,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        connection.pending = [PostgresConnection.Queued(query: PostgresQuery(stringLiteral: isolation.beginStatement))]
        connection.inTransaction = true
        connection.transactionSent = false
        connection.transactionOpened = false
        defer {
            connection.inTransaction = false
            connection.pending = []
        }
        let result: T
        do {
            result = try await body(connection)
        } catch {
            connection.pending = []
            if connection.transactionSent, !connection.isBroken { _ = try? await connection.executeScript("ROLLBACK") }
            if let error = error as? PostgresError,
               error.isRetryableTransactionFailure || error.isPreparedStatementMismatch
                || (error.kind == .connection && !connection.transactionOpened) {
                // a connection lost before BEGIN was answered ran nothing that could commit
                throw TransactionRetry(underlying: error)
            }
            throw error
        }
        // nothing was sent and nothing queued: there is no transaction to commit
        if !connection.transactionSent, connection.pending.count == 1 { return result }
        let status: String
        do {
            status = try await connection.run("COMMIT").commandStatus
        } catch let error as PostgresError {
            // a queued write failed (COMMIT was skipped, the session is in a failed transaction), or COMMIT did
            if !connection.isBroken { _ = try? await connection.executeScript("ROLLBACK") }
            if error.isRetryableTransactionFailure || error.isPreparedStatementMismatch { throw TransactionRetry(underlying: error) }
            throw error
        }
        // COMMIT of a transaction that had failed answers ROLLBACK: never report that as success.
        guard status == "COMMIT" else {
            throw PostgresError(.server, sqlState: "25P02", message: "transaction was rolled back (an earlier statement failed)")
        }
        return result
    }
}

struct TransactionRetry: Error {
    var underlying: PostgresError
}
