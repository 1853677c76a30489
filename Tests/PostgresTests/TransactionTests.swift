import Foundation
import Postgres
import Testing

@Suite struct TransactionTests {
    struct Boom: Error {}

    @Test func aThrownErrorRollsEverythingBack() async throws {
        let pool = try await TestDatabase.pool(max: 2)
        defer { Task { await pool.close() } }
        let marker = UUID()
        await #expect(throws: Boom.self) {
            try await pool.transaction { connection in
                try await connection.execute("INSERT INTO tx_rollback_rows VALUES (\(marker))")
                throw Boom()
            }
        }
        let rows = try await pool.query("SELECT count(*)::bigint AS n FROM tx_rollback_rows WHERE marker = \(marker)")
        #expect(try rows[0].decode(Int64.self, "n") == 0)
    }

    @Test func aCommittedTransactionKeepsItsRows() async throws {
        let pool = try await TestDatabase.pool(max: 2)
        defer { Task { await pool.close() } }
        let marker = UUID()
        try await pool.transaction { connection in
            try await connection.execute("INSERT INTO tx_rollback_rows VALUES (\(marker))")
        }
        let rows = try await pool.query("SELECT count(*)::bigint AS n FROM tx_rollback_rows WHERE marker = \(marker)")
        #expect(try rows[0].decode(Int64.self, "n") == 1)
    }

    @Test func aSwallowedStatementErrorDoesNotCommitSilently() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        await #expect(throws: PostgresError.self) {
            try await pool.transaction { connection in
                _ = try? await connection.query("SELECT 1 / \(0) AS v")
                return 1
            }
        }
        // the connection is clean afterwards
        #expect(try await pool.queryFirst("SELECT \(Int64(5)) AS v")?.decode(Int64.self, "v") == 5)
    }

    @Test func serializationFailuresAreRetriedUntilEveryIncrementCommits() async throws {
        let pool = try await TestDatabase.pool(max: 4)
        defer { Task { await pool.close() } }
        let id = UUID()
        try await pool.execute("INSERT INTO tx_serial_counters VALUES (\(id), 0)")
        let attempts = Counter()
        // 20 concurrent read-then-write transactions on one row under SERIALIZABLE: many fail with
        // 40001 at first; each must succeed on a retry and no increment may be lost or doubled.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await pool.transaction(.serializable, maxAttempts: 50) { connection in
                        await attempts.increment()
                        let row = try #require(try await connection.queryFirst("SELECT n FROM tx_serial_counters WHERE id = \(id)"))
                        let n = try row.decode(Int64.self, "n")
                        try await Task.sleep(for: .milliseconds(2))
                        try await connection.execute("UPDATE tx_serial_counters SET n = \(n + 1) WHERE id = \(id)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let row = try #require(try await pool.queryFirst("SELECT n FROM tx_serial_counters WHERE id = \(id)"))
        #expect(try row.decode(Int64.self, "n") == 20)
        #expect(await attempts.value > 20, "SERIALIZABLE conflicts should have forced at least one retry")
    }

    @Test func retriesAreBoundedAndTheLastErrorIsThrown() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let attempts = Counter()
        do {
            try await pool.transaction(maxAttempts: 3) { connection in
                await attempts.increment()
                // raise a serialization failure on purpose
                try await connection.executeScript("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$")
            }
            Issue.record("the transaction did not fail")
        } catch let error as PostgresError {
            #expect(error.sqlState == "40001")
        }
        #expect(await attempts.value == 3)
    }
}

actor Counter {
    private(set) var value = 0
    private(set) var peak = 0
    private var current = 0
    func increment() { value += 1 }
    func enter() { current += 1; peak = max(peak, current) }
    func leave() { current -= 1 }
}
