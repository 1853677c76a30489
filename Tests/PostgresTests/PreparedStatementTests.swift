import Foundation
import Postgres
import Testing

/// Named prepared statements (Sources/Postgres/PreparedStatements.swift) against the real server: a
/// statement with parameters is prepared once per session and run by name after that, and a session
/// that lost its statements (what a pooler in transaction mode does) turns naming off for the pool and
/// the work runs once, unnamed, with nothing lost or done twice.
@Suite struct PreparedStatementTests {
    static func names(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT name FROM pg_prepared_statements WHERE name LIKE 'om\\_%' ORDER BY name")
            .map { try $0.decode(String.self, "name") }
    }

    static func count(_ pool: PostgresPool, _ marker: UUID) async throws -> Int64 {
        try await pool.queryFirst("SELECT count(*)::bigint AS n FROM tx_rollback_rows WHERE marker = \(marker)")!.decode(Int64.self, "n")
    }

    @Test func aStatementWithParametersIsPreparedOnceThenRunByName() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        try await pool.withConnection { connection in
            let before = try await Self.names(connection)
            for n in Int64(1)...3 {
                #expect(try await connection.queryFirst("SELECT \(n) + \(Int64(10)) AS v")?.decode(Int64.self, "v") == n + 10)
            }
            let after = try await Self.names(connection)
            // the statement above, once (the listing has no parameters: never named)
            #expect(after.count == before.count + 1)
            let pipelined = try await connection.pipeline(["SELECT \(Int64(2)) + \(Int64(10)) AS v", "SELECT \("x") || \("y") AS v"])
            #expect(try pipelined[0][0].decode(Int64.self, "v") == 12)
            #expect(try pipelined[1][0].decode(String.self, "v") == "xy")
            #expect(try await Self.names(connection).count == after.count + 1)
        }
        #expect(pool.statements.isEnabled)
    }

    @Test func aPrepareThatSucceededBeforeAFailureInTheSamePipelineIsKept() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        try await pool.withConnection { (connection) async throws -> Void in
            await #expect {
                _ = try await connection.pipeline(["SELECT \(marker)::text AS v", "SELECT 1 / \(Int64(0)) AS v"])
            } throws: { ($0 as? PostgresError)?.sqlState == "22012" }
            // the first statement's name is on the session and known to the connection: no 42P05 now
            #expect(try await connection.queryFirst("SELECT \(marker)::text AS v")?.decode(String.self, "v") == marker.uuidString.lowercased())
        }
        #expect(pool.statements.isEnabled)
    }

    @Test func aSessionThatLostItsStatementsTurnsNamingOffAndTheStatementRunsOnce() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        try await pool.execute("INSERT INTO tx_rollback_rows VALUES (\(marker))")
        // what a pooler's switch to another server session looks like from here
        try await pool.withConnection { try await $0.executeScript("DEALLOCATE ALL") }
        try await pool.execute("INSERT INTO tx_rollback_rows VALUES (\(marker))")
        #expect(!pool.statements.isEnabled)
        #expect(try await Self.count(pool, marker) == 2)
        try await pool.withConnection { connection in
            let before = try await Self.names(connection)
            try await connection.execute("INSERT INTO tx_rollback_rows VALUES (\(marker))")
            #expect(try await Self.names(connection) == before)  // nothing new is prepared once it is off
        }
        #expect(try await Self.count(pool, marker) == 3)
    }

    @Test func aTransactionThatMeetsALostStatementRunsAgainAndCommitsOnce() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        let insert: PostgresQuery = "INSERT INTO tx_rollback_rows VALUES (\(marker))"
        try await pool.transaction { try await $0.execute(insert) }
        try await pool.withConnection { try await $0.executeScript("DEALLOCATE ALL") }
        let runs = Counter()
        // maxAttempts 1: the rerun after naming is turned off is not counted as an attempt
        try await pool.transaction(maxAttempts: 1) { connection in
            runs.add()
            try await connection.later(insert)
            _ = try await connection.queryFirst("SELECT \(Int64(1)) AS one")
        }
        #expect(runs.value == 2)
        #expect(!pool.statements.isEnabled)
        #expect(try await Self.count(pool, marker) == 2)
    }

    @Test func aPoolMadeWithoutNamingNeverPrepares() async throws {
        let pool = PostgresPool(url: try TestDatabase.url(), maxConnections: 1, preparedStatements: false)
        defer { Task { await pool.close() } }
        try await pool.withConnection { connection in
            for n in Int64(1)...2 { _ = try await connection.queryFirst("SELECT \(n) AS v") }
            #expect(try await Self.names(connection).isEmpty)
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
