import Accounting
import Foundation
import Postgres
import Testing

/// The usage_daily rollup (kept at settlement, read by the report for whole days) and the incremental
/// reconcile from its stored checkpoint.
@Suite struct RollupAndIncrementalReconcileTests {
    static func check(_ report: ReconciliationReport, _ name: String) -> ReconciliationCheck? {
        report.checks.first { $0.name == name }
    }

    @Test func wholeDaysFromTheRollupEqualTheTasksToTheMicro() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let day = Fixtures.uniqueDay()
        try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: day + 10)
        try await Fixtures.endedTask(pool, key, Fixtures.image3, Fixtures.succeeded(56_000, images: 2), endedAt: day + 86_399.999999)
        try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: day + 86_400)
        try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .expired, Fixtures.succeeded(420_000, seconds: 5), endedAt: day + 3_600)
        let report = UsageReport(pool: pool)
        let whole = try #require(ReportPeriod(from: day, to: day + 2 * 86_400))
        #expect(UsageRollup.covers(whole))
        // a window a microsecond short of whole days reads the tasks: the same figures, found the other way
        let almost = try #require(ReportPeriod(from: day, to: day + 2 * 86_400 - 0.000001))
        #expect(!UsageRollup.covers(almost))
        for groups in [[], [UsageGrouping.day], [.tenant, .key, .model, .day], [.model]] {
            let fromRollup = try await report.run(period: whole, groupBy: groups, tenantID: key.tenantID)
            let fromTasks = try await report.run(period: almost, groupBy: groups, tenantID: key.tenantID)
            #expect(fromRollup.rows == fromTasks.rows, "\(groups)")
        }
        let totals = try await report.run(period: whole, groupBy: [], tenantID: key.tenantID).totals
        #expect(totals.tasks == 4 && totals.succeeded == 3 && totals.failed == 1)
        #expect(totals.chargedMicros == 560_000 + 56_000 + 420_000)
        #expect(totals.billableSeconds == 10 && totals.images == 2)
        let days = try await report.run(period: whole, groupBy: [.day], tenantID: key.tenantID).rows.map { ($0.day ?? "", $0.figures.tasks) }
        #expect(days.map(\.1) == [3, 1], "\(days)")
    }

    @Test func aLateChargeMovesTheTaskToItsNewDayInTheRollup() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let store = TaskStore(pool: pool)
        let task = try await Fixtures.openTask(pool, key)
        _ = try await store.settle(taskID: task.id, outcome: .expired)
        let rollup = { () async throws -> [PostgresRow] in
            try await pool.query("SELECT tasks, succeeded, failed, charged_micros, late_charged_micros, billable_seconds FROM usage_daily WHERE key_id = \(key.keyID)")
        }
        let before = try await rollup()
        #expect(before.count == 1)
        #expect(try before[0].decode(Int64.self, "tasks") == 1 && before[0].decode(Int64.self, "failed") == 1)
        #expect(try before[0].decode(Int64.self, "succeeded") == 0)
        guard case .lateCharged = try await store.settle(taskID: task.id, outcome: Fixtures.succeeded(560_000, seconds: 5)) else {
            Issue.record("no late charge"); return
        }
        let after = try await rollup()
        #expect(after.count == 1)
        #expect(try after[0].decode(Int64.self, "tasks") == 1)
        #expect(try after[0].decode(Int64.self, "succeeded") == 1 && after[0].decode(Int64.self, "failed") == 0)
        #expect(try after[0].decode(Int64.self, "late_charged_micros") == 560_000 && after[0].decode(Int64.self, "billable_seconds") == 5)
        // a second success is a no-op for the rollup as for the money
        _ = try await store.settle(taskID: task.id, outcome: Fixtures.succeeded(560_000, seconds: 5))
        #expect(try await rollup()[0].decode(Int64.self, "late_charged_micros") == 560_000)
    }

    @Test func incrementalReconcileChecksWhatIsNewAndFullChecksEverything() async throws {
        let database = try await Fixtures.privateDatabase()
        defer { Task { await database.drop() } }
        let pool = database.pool
        let key = try await Fixtures.tenant(pool)
        let old = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: Date())
        let reconciliation = Reconciliation(pool: pool)

        // no checkpoint yet: the first run checks everything, and being clean, stores one
        let first = try await reconciliation.run(full: false)
        #expect(first.ok && first.full == true, "\(first.checks.filter { !$0.ok })")
        #expect(first.checks.map(\.name) == ReconciliationTests.checkNames)
        try await Task.sleep(for: .milliseconds(20))

        // new work after the checkpoint is checked, and clean
        _ = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: Date())
        let second = try await reconciliation.run(full: false)
        #expect(second.ok && second.full == false, "\(second.checks.filter { !$0.ok })")
        #expect(second.checks.map(\.name) == ReconciliationTests.checkNames)

        // a cached balance is compared with the stored sums plus what is new: still seen
        try await pool.execute("UPDATE tenants SET reserved_micros = reserved_micros + 1 WHERE id = \(key.tenantID)")
        let broken = try await reconciliation.run(full: false)
        #expect(broken.full == false && !broken.ok)
        #expect(Self.check(broken, "tenant_balances_match_ledger")?.detail.examples.contains { $0.contains(key.tenantID.uuidString.lowercased()) } == true)
        try await pool.execute("UPDATE tenants SET reserved_micros = reserved_micros - 1 WHERE id = \(key.tenantID)")

        // a new task whose money breaks its ledger is seen; the rollup against its tasks too
        let fresh = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
        try await pool.execute("UPDATE tasks SET late_charged_micros = 1 WHERE id = \(fresh.id)")
        try await pool.execute("UPDATE usage_daily SET images = images + 1 WHERE key_id = \(key.keyID)")
        let newBreach = try await reconciliation.run(full: false)
        #expect(newBreach.full == false)
        #expect(Self.check(newBreach, "task_money_matches_ledger")?.detail.examples.contains { $0.contains(fresh.id.uuidString.lowercased()) } == true)
        #expect(Self.check(newBreach, "usage_daily_matches_tasks")?.ok == false)
        try await pool.execute("UPDATE tasks SET late_charged_micros = 0 WHERE id = \(fresh.id)")
        try await pool.execute("UPDATE usage_daily SET images = images - 1 WHERE key_id = \(key.keyID)")
        #expect(try await reconciliation.run(full: false).ok)
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await reconciliation.run(full: false).ok)

        // a row changed in place before the checkpoint (the product never does that) needs ?full=1
        try await pool.execute("UPDATE tasks SET released_micros = released_micros - 1 WHERE id = \(old.id)")
        let full = try await reconciliation.run(full: true)
        #expect(full.full == true && !full.ok)
        #expect(Self.check(full, "ended_tasks_resolved")?.detail.examples.contains { $0.contains(old.id.uuidString.lowercased()) } == true)
    }
}
