@testable import Accounting
import Foundation
import Postgres
import Testing

/// Statements read from `statement_rollup` (sql/019) are the statements the ledger itself gives
/// (`StatementQuery.fromLedger`, every entry placed by the id rule), to the micro, in every zone, across
/// closes and zone changes; a close racing writers places every entry as the id rule does; reconcile
/// names a rollup row that differs. Private databases: closes cover every tenant, and time is moved.
@Suite struct StatementRollupTests {
    /// Every month's statement of every tenant, read both ways, must be equal; returns the rollup's.
    @discardableResult
    static func expectSameBothWays(_ pool: PostgresPool, _ tenants: [UUID], _ months: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: (Statement, [CarriedEntry])] {
        var read: [String: (Statement, [CarriedEntry])] = [:]
        try await pool.withConnection { connection in
            for tenant in tenants {
                for name in months {
                    let month = try #require(StatementMonth(name))
                    let rollup = try await StatementStore.compute(tenantID: tenant, month: month, on: connection)
                    let ledger = try await StatementStore.compute(tenantID: tenant, month: month, on: connection, fromLedger: true)
                    guard case .found(let fast, let fastCarried) = rollup, case .found(let slow, let slowCarried) = ledger else {
                        Issue.record("\(tenant) \(name): not found both ways", sourceLocation: sourceLocation)
                        continue
                    }
                    #expect(fast == slow, "\(tenant) \(name)", sourceLocation: sourceLocation)
                    #expect(fastCarried == slowCarried, "\(tenant) \(name)", sourceLocation: sourceLocation)
                    read["\(tenant) \(name)"] = (fast, fastCarried)
                }
            }
        }
        return read
    }

    static func ledgerTotal(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Int64 {
        try #require(try await pool.queryFirst("""
            SELECT COALESCE(sum(CASE WHEN kind IN ('credit', 'adjustment', 'grant') THEN amount_micros
                                     WHEN kind IN ('charge', 'late_charge', 'grant_expire', 'grant_void') THEN -amount_micros ELSE 0 END), 0)::bigint AS n
            FROM ledger_entries WHERE tenant_id = \(tenantID)
            """)).decode(Int64.self, "n")
    }

    /// Ledger rows rewritten in place (the immutability trigger lifted, on a private database): the
    /// rollup's own triggers follow.
    static func rewriteLedger(_ pool: PostgresPool, _ statement: PostgresQuery) async throws {
        try await pool.transaction { connection in
            try await connection.execute("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update")
            try await connection.execute(statement)
            try await connection.execute("ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_update")
        }
    }

    /// `YYYY-MM` of `date` in UTC.
    static func monthName(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return StatementMonth(year: parts.year!, month: parts.month!)!.description
    }

    static var currentMonth: String { monthName(Date()) }

    @Test func rollupStatementsEqualTheLedgersInEveryZoneAcrossACloseAndAZoneChange() async throws {
        let (pool, drop) = try await Fixtures.privateDatabase()
        defer { Task { await drop() } }
        let store = TaskStore(pool: pool)
        let grants = GrantStore(pool: pool)
        var tenants: [UUID] = []
        var expiredTasks: [UUID: TaskRecord] = [:]
        var keys: [UUID: AuthenticatedKey] = [:]
        for zone in ["UTC", "Asia/Kathmandu", "America/St_Johns"] {
            let key = try await Fixtures.tenant(pool, keyName: "a", credits: 50_000_000)
            try await pool.execute("UPDATE tenants SET time_zone = \(zone) WHERE id = \(key.tenantID)")
            let other = try await Fixtures.key(pool, tenantID: key.tenantID, tenantName: key.tenantName, name: "b")
            for round in 0..<3 {
                try await Fixtures.endedTask(pool, round == 1 ? other : key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
                try await Fixtures.endedTask(pool, other, Fixtures.image3, Fixtures.succeeded(84_000, images: 3), endedAt: Date())
            }
            try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: Date())
            let expired = try await Fixtures.openTask(pool, key, Fixtures.o1Pro5s)
            _ = try await store.settle(taskID: expired.id, outcome: .expired)
            expiredTasks[key.tenantID] = expired
            keys[key.tenantID] = key
            let voided = try #require(try await grants.create(tenantID: key.tenantID, GrantRequest(amountMicros: 3_000_000, name: "v"), actor: "test")).grant
            _ = try await grants.void(voided.id, actor: "test")
            _ = try await grants.create(tenantID: key.tenantID, GrantRequest(amountMicros: 2_000_000, name: "e", expiresAt: Date().addingTimeInterval(3_600)),
                                        actor: "test")
            _ = try await CreditStore(pool: pool).add(tenantID: key.tenantID, amountMicros: -100_000, reason: "goodwill back", idempotencyKey: nil, actor: "test")
            tenants.append(key.tenantID)
        }
        try await pool.execute("UPDATE credit_grants SET effective_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE name = 'e'")
        #expect(try await grants.expireDue() == 3)
        // each tenant's 22 entries move to 50 minutes apart from 2025-03-31T10:50Z: local midnight of April
        // 1st, 18:15Z in Kathmandu (+05:45), 00:00Z in UTC, 02:30Z in St John's (-02:30), falls among them
        try await Self.rewriteLedger(pool, """
            UPDATE ledger_entries e SET created_at = timestamptz '2025-03-31T10:00:00Z' + n.n * interval '50 minutes'
            FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS n FROM ledger_entries) n
            WHERE n.id = e.id
            """)
        try await pool.execute("""
            UPDATE tasks t SET created_at = e.created_at - interval '7 minutes'
            FROM ledger_entries e WHERE e.task_id = t.id AND e.kind = 'reserve'
            """)
        let months = ["2025-02", "2025-03", "2025-04", "2025-05", Self.currentMonth]
        let open = try await Self.expectSameBothWays(pool, tenants, months)
        for tenant in tenants {
            let march = try #require(open["\(tenant) 2025-03"]?.0), april = try #require(open["\(tenant) 2025-04"]?.0)
            #expect(march.openingBalanceMicros == 0)
            #expect(april.openingBalanceMicros == march.closingBalanceMicros)
            #expect(march.chargesMicros + april.chargesMicros == 3 * (560_000 + 84_000))
            #expect(march.grantsMicros + april.grantsMicros == 5_000_000)
            #expect(march.voidedMicros + april.voidedMicros == 3_000_000)
            #expect(march.expiredMicros + april.expiredMicros == 2_000_000)
            #expect(try #require(open["\(tenant) \(Self.currentMonth)"]?.0).closingBalanceMicros == (try await Self.ledgerTotal(pool, tenant)))
        }
        // the boundary falls among each tenant's entries: money moves in both months
        for tenant in tenants {
            let march = try #require(open["\(tenant) 2025-03"]?.0), april = try #require(open["\(tenant) 2025-04"]?.0)
            #expect(march.chargesMicros > 0 && april.closingBalanceMicros != april.openingBalanceMicros, "\(tenant)")
        }

        // March is closed; then a late charge for a March task, an adjustment and a charge dated in March
        // land in April, carried; a key's rename shows in the open months' lines
        guard case .closed = try await PeriodStore(pool: pool).close(try #require(StatementMonth("2025-03")), actor: "test") else {
            Issue.record("March did not close")
            return
        }
        let first = tenants[1]
        let lateTask = try #require(expiredTasks[first])
        try await pool.execute("UPDATE tasks SET created_at = '2025-03-20T00:00:00Z' WHERE id = \(lateTask.id)")
        _ = try await store.settle(taskID: lateTask.id, outcome: Fixtures.succeeded(560_000, seconds: 5))
        let adjustment = try #require(try await CreditStore(pool: pool).add(tenantID: first, amountMicros: -250_000, reason: "late fix",
                                                                              idempotencyKey: nil, actor: "test")).receipt
        let charged = try await Fixtures.endedTask(pool, try #require(keys[first]), Fixtures.image3, Fixtures.succeeded(84_000, images: 3), endedAt: Date())
        try await Self.rewriteLedger(pool, """
            UPDATE ledger_entries SET created_at = '2025-03-25T10:00:00Z'
            WHERE id = \(adjustment.id) OR (task_id = \(charged.id) AND kind = 'charge')
            """)
        try await pool.execute("UPDATE api_keys SET name = 'renamed' WHERE tenant_id = \(first) AND name = 'a'")
        let closed = try await Self.expectSameBothWays(pool, tenants, months)
        let april = try #require(closed["\(first) 2025-04"])
        #expect(april.0.lateChargesMicros == 560_000)
        #expect(april.0.adjustmentsMicros == (open["\(first) 2025-04"]?.0.adjustmentsMicros ?? 0) - 250_000)
        #expect(april.0.chargesMicros == (open["\(first) 2025-04"]?.0.chargesMicros ?? 0) + 84_000)
        #expect(april.1.map(\.kind).sorted() == ["adjustment", "charge", "late_charge"])
        #expect(april.1.allSatisfy { $0.naturalMonth == "2025-03" })
        #expect(april.1.contains { $0.taskID == lateTask.id && $0.amountMicros == 560_000 })
        #expect(april.0.lines.contains { $0.keyName == "renamed" })
        // nothing landed in March (its stored statement keeps the old name; computed now, the lines show the new one)
        let marchAfter = try #require(closed["\(first) 2025-03"]?.0), marchBefore = try #require(open["\(first) 2025-03"]?.0)
        #expect(marchAfter.closingBalanceMicros == marchBefore.closingBalanceMicros && marchAfter.chargesMicros == marchBefore.chargesMicros)
        #expect(marchAfter.lines.map(\.chargedMicros).sorted() == marchBefore.lines.map(\.chargedMicros).sorted())

        // zones change (the month is computed at read time): still the ledger's statements
        try await pool.execute("UPDATE tenants SET time_zone = 'America/St_Johns' WHERE id = \(tenants[1])")
        try await pool.execute("UPDATE tenants SET time_zone = 'Asia/Kathmandu' WHERE id = \(tenants[0])")
        let moved = try await Self.expectSameBothWays(pool, tenants, months)
        #expect(moved["\(tenants[0]) 2025-04"]?.0 != open["\(tenants[0]) 2025-04"]?.0)
        #expect(try await Reconciliation(pool: pool).run(full: true).checks.first { $0.name == "statement_rollup_matches_ledger" }?.ok == true)
    }

    @Test func aCloseRacingChargesPlacesEveryEntryAsTheIdRuleDoes() async throws {
        let (pool, drop) = try await Fixtures.privateDatabase()
        defer { Task { await drop() } }
        let key = try await Fixtures.tenant(pool, credits: 500_000_000)
        let previous = try #require(Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: Date()))
        let closing = try #require(StatementMonth(Self.monthName(previous)))
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<3 {
                // the product's own paths only (reserve, settle), which take the tenant lock first
                let own = try await Fixtures.key(pool, tenantID: key.tenantID, tenantName: key.tenantName, name: "w\(worker)")
                group.addTask {
                    for round in 0..<8 {
                        let task = try await Fixtures.openTask(pool, own, Fixtures.o1Pro5s)
                        _ = try await TaskStore(pool: pool).settle(taskID: task.id, outcome: Fixtures.succeeded(560_000, seconds: 5))
                        if worker == 0 && round == 2 { signal.yield(); signal.finish() }
                    }
                }
            }
            group.addTask {
                for await _ in started { break }
                guard case .closed = try await PeriodStore(pool: pool).close(closing, actor: "test") else { throw StatementRollupError.notClosed }
            }
            try await group.waitForAll()
        }
        // and one more, surely after the close
        try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
        let floors = try await pool.query("""
            SELECT DISTINCT to_char(floor_month, 'YYYY-MM') AS floor FROM statement_rollup WHERE tenant_id = \(key.tenantID)
            """).map { try $0.decode(String?.self, "floor") }
        #expect(Set(floors) == [nil, Self.currentMonth])
        let report = try await Reconciliation(pool: pool).run(full: true)
        let check = try #require(report.checks.first { $0.name == "statement_rollup_matches_ledger" })
        #expect(check.ok, "\(check.detail.examples)")
        let read = try await Self.expectSameBothWays(pool, [key.tenantID], [closing.description, Self.currentMonth])
        let now = try #require(read["\(key.tenantID) \(Self.currentMonth)"]?.0)
        #expect(now.closingBalanceMicros == 500_000_000 - 25 * 560_000)
        #expect(now.lines.map(\.tasks).reduce(0, +) == 25)
    }

    @Test func reconcileNamesATamperedRollupRowFullAndFromTheCheckpoint() async throws {
        let (pool, drop) = try await Fixtures.privateDatabase()
        defer { Task { await drop() } }
        let key = try await Fixtures.tenant(pool)
        try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
        let reconciliation = Reconciliation(pool: pool)
        func check(_ report: ReconciliationReport) -> ReconciliationCheck? { report.checks.first { $0.name == "statement_rollup_matches_ledger" } }
        #expect(check(try await reconciliation.run(full: false))?.ok == true)  // stores the checkpoint
        try await Task.sleep(for: .milliseconds(20))
        let fresh = try await Fixtures.tenant(pool)
        try await Fixtures.endedTask(pool, fresh, Fixtures.image3, Fixtures.succeeded(84_000, images: 3), endedAt: Date())
        try await pool.execute("UPDATE statement_rollup SET images = images + 1 WHERE tenant_id = \(fresh.tenantID) AND kind = 'charge'")
        let incremental = try await reconciliation.run(full: false)
        #expect(incremental.full == false)
        let named = try #require(check(incremental))
        #expect(!named.ok && named.detail.count == 1)
        #expect(named.detail.examples.first?.contains(fresh.tenantID.uuidString.lowercased()) == true, "\(named.detail.examples)")
        #expect(named.detail.examples.first?.contains("images 4") == true, "\(named.detail.examples)")
        try await pool.execute("UPDATE statement_rollup SET images = images - 1 WHERE tenant_id = \(fresh.tenantID) AND kind = 'charge'")
        // a row deleted, and an id range that no longer covers its entry: the full check names both
        try await pool.execute("DELETE FROM statement_rollup WHERE tenant_id = \(key.tenantID) AND kind = 'credit'")
        try await pool.execute("UPDATE statement_rollup SET max_ledger_id = min_ledger_id - 1 WHERE tenant_id = \(fresh.tenantID) AND kind = 'charge'")
        let full = try #require(check(try await reconciliation.run(full: true)))
        #expect(full.detail.count == 2)
        #expect(full.detail.examples.contains { $0.contains(key.tenantID.uuidString.lowercased()) && $0.contains("credit") })
        #expect(full.detail.examples.contains { $0.contains(fresh.tenantID.uuidString.lowercased()) && $0.contains("charge") })
    }
}

enum StatementRollupError: Error {
    case notClosed
}
