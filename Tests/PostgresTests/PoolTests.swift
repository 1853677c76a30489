import Foundation
import Postgres
import Testing

@Suite struct PoolTests {
    @Test func twoHundredConcurrentTasksShareEightConnections() async throws {
        let pool = try await TestDatabase.pool(max: 8, acquireTimeout: .seconds(60))
        defer { Task { await pool.close() } }
        let inside = Counter()
        let tag = UUID().uuidString
        let sums = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await pool.withConnection { connection in
                        await inside.enter()
                        // leave before the connection goes back (a detached leave let the next caller in first)
                        let row = try? await connection.queryFirst(
                            "SELECT \(Int64(i)) + 1 AS v, pg_sleep(0.005)::text AS slept, \(tag)::text AS tag")
                        await inside.leave()
                        return try #require(row).decode(Int64.self, "v")
                    }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(sums.count == 200)
        #expect(sums.reduce(0, +) == (1...200).reduce(0, +))
        let statistics = await pool.statistics()
        #expect(statistics.open <= 8)
        #expect(statistics.waiting == 0)
        #expect(await inside.peak <= 8)
        #expect(await inside.peak >= 2, "work should have overlapped")
    }

    @Test func aCallerWaitsNoLongerThanTheAcquireTimeout() async throws {
        let pool = try await TestDatabase.pool(max: 1, acquireTimeout: .milliseconds(200))
        defer { Task { await pool.close() } }
        try await pool.withConnection { _ in
            do {
                try await pool.query("SELECT 1 AS v")
                Issue.record("a second caller got a connection from a pool of one")
            } catch let error as PostgresError {
                #expect(error.kind == .poolTimeout)
                #expect(error.isUnavailable)
            }
        }
        // the held connection came back and serves again
        #expect(try await pool.queryFirst("SELECT \(Int64(2)) AS v")?.decode(Int64.self, "v") == 2)
    }

    @Test func anUnreachableServerIsAClearConnectionError() async throws {
        let pool = PostgresPool(url: "postgresql://postgres@127.0.0.1:1/omnimeter?connect_timeout=2", maxConnections: 2)
        defer { Task { await pool.close() } }
        do {
            try await pool.query("SELECT 1 AS v")
            Issue.record("connected to a closed port")
        } catch let error as PostgresError {
            #expect(error.kind == .connection)
            #expect(error.isUnavailable)
        }
        // a failed connect gives its slot back
        #expect(await pool.statistics().open == 0)
    }
}
