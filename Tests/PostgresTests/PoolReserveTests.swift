import Foundation
import Postgres
import Testing

/// Bulk reads (exports) never take the pool's reserve: with every bulk permit held, a further bulk read
/// waits and times out while an ordinary query still gets a connection.
@Suite struct PoolReserveTests {
    @Test func bulkReadsLeaveAReserveForTheMoneyPath() async throws {
        let pool = try await TestDatabase.pool(max: 4, acquireTimeout: .milliseconds(500))
        #expect(pool.bulkLimit == 3)
        let holding = HoldGate()
        let holders = (0..<3).map { _ in
            Task { try await pool.asBulkRead { try await pool.withConnection { _ in await holding.wait() } } }
        }
        while await pool.statistics().open < 3 { try await Task.sleep(for: .milliseconds(10)) }
        await #expect(throws: PostgresError.self) { try await pool.asBulkRead { try await pool.query("SELECT 1 AS n") } }
        let row = try await pool.queryFirst("SELECT 2 AS n")
        #expect(try row?.decode(Int64.self, "n") == 2)
        await holding.open()
        for holder in holders { try await holder.value }
        await pool.close()
    }
}

actor HoldGate {
    private var opened = false
    func wait() async { while !opened { try? await Task.sleep(for: .milliseconds(10)) } }
    func open() { opened = true }
}
