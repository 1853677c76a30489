import Foundation
import Postgres
import Testing

/// Pipeline mode in the libpq layer against the real server: several bound statements in one round
/// trip, BEGIN with the first, COMMIT with the queued writes, the first failure thrown and nothing kept.
@Suite struct PipelineTests {
    static func count(_ pool: PostgresPool, _ marker: UUID) async throws -> Int64 {
        try await pool.queryFirst("SELECT count(*)::bigint AS n FROM tx_rollback_rows WHERE marker = \(marker)")!.decode(Int64.self, "n")
    }

    @Test func resultsComeBackInTheOrderSentWithEveryValueBound() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let hostile = "'); DROP TABLE tx_rollback_rows; --"
        let answers = try await pool.withConnection { connection in
            try await connection.pipeline([
                "SELECT \(Int64(1)) AS v", "SELECT \(hostile) AS v", "SELECT generate_series(\(Int64(1)), \(Int64(3)))::bigint AS v",
            ])
        }
        #expect(answers.count == 3)
        #expect(try answers[0][0].decode(Int64.self, "v") == 1)
        #expect(try answers[1][0].decode(String.self, "v") == hostile)
        #expect(try answers[2].map { try $0.decode(Int64.self, "v") } == [1, 2, 3])
    }

    @Test func anErrorInTheMiddleOfAPipelineRollsBackEverythingAndIsThrownWithItsSQLState() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        await #expect {
            try await pool.transaction(maxAttempts: 1) { connection in
                _ = try await connection.pipeline([
                    "INSERT INTO tx_rollback_rows VALUES (\(marker))",
                    "SELECT 1 / \(0) AS v",
                    "INSERT INTO tx_rollback_rows VALUES (\(marker))",
                ])
            }
        } throws: { ($0 as? PostgresError)?.sqlState == "22012" }
        #expect(try await Self.count(pool, marker) == 0)
        // the session is clean afterwards: out of pipeline mode, out of the failed transaction
        #expect(try await pool.queryFirst("SELECT \(Int64(7)) AS v")?.decode(Int64.self, "v") == 7)
    }

    @Test func aQueuedWriteThatFailsAtCommitThrowsItsOwnErrorAndKeepsNothing() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        await #expect {
            try await pool.transaction(maxAttempts: 1) { connection in
                try await connection.later("INSERT INTO tx_rollback_rows VALUES (\(marker))")
                try await connection.later("INSERT INTO tx_rollback_rows VALUES (\(Optional<UUID>.none))")
                try await connection.later("INSERT INTO tx_rollback_rows VALUES (\(marker))")
            }
        } throws: { ($0 as? PostgresError)?.sqlState == "23502" }
        #expect(try await Self.count(pool, marker) == 0)
        #expect(try await pool.queryFirst("SELECT \(Int64(8)) AS v")?.decode(Int64.self, "v") == 8)
    }

    @Test func beginGoesWithTheFirstStatementAndCommitWithTheQueuedWrites() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        let log = PostgresStatementLog()
        let answer = try await PostgresStatementLog.$current.withValue(log) {
            try await pool.transaction { connection in
                _ = try await connection.query("SELECT \(marker)::uuid AS m")
                return try await connection.later("INSERT INTO tx_rollback_rows VALUES (\(marker)) RETURNING marker")
            }
        }
        #expect(log.roundTrips.map { $0.map { $0.components(separatedBy: " ").prefix(2).joined(separator: " ") } } == [
            ["BEGIN ISOLATION", "SELECT $1::uuid"], ["INSERT INTO", "COMMIT"],
        ])
        #expect(try answer.rows?.first?.decode(UUID.self, "marker") == marker)
        #expect(try await Self.count(pool, marker) == 1)
    }

    @Test func aQueuedWriteOutsideATransactionRunsAtOnce() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let marker = UUID()
        try await pool.withConnection { connection in
            try await connection.later("INSERT INTO tx_rollback_rows VALUES (\(marker))")
        }
        #expect(try await Self.count(pool, marker) == 1)
    }

    @Test func aSerializationFailureInAQueuedWriteIsRetriedUntilEveryIncrementCommits() async throws {
        let pool = try await TestDatabase.pool(max: 4)
        defer { Task { await pool.close() } }
        let id = UUID()
        try await pool.execute("INSERT INTO tx_serial_counters VALUES (\(id), 0)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.transaction(.serializable, maxAttempts: 60) { connection in
                        let n = try #require(try await connection.queryFirst("SELECT n FROM tx_serial_counters WHERE id = \(id)")).decode(Int64.self, "n")
                        try await connection.later("UPDATE tx_serial_counters SET n = \(n + 1) WHERE id = \(id)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await pool.queryFirst("SELECT n FROM tx_serial_counters WHERE id = \(id)")?.decode(Int64.self, "n") == 12)
    }
}
