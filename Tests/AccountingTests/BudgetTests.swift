import Accounting
import Foundation
import Postgres
import Testing

/// Budgets by period in the reserve transaction: charges in the window + open reservations + amount.
@Suite struct BudgetTests {
    static let o1Pro5s = #"{"prompt":"x","aspect_ratio":"1:1"}"#  // 560,000

    @Test func aKeyDayBudgetCountsTodaysChargesAndOpenReservations() async throws {
        let pool = try await Fixtures.pool()
        var limits = Fixtures.Limits()
        limits.keyBudget = 1_000_000
        limits.keyBudgetPeriod = "day"
        let key = try await Fixtures.tenant(pool, credits: 10_000_000, limits: limits)
        let store = TaskStore(pool: pool)
        let first = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        await #expect(throws: ReservationRefusal.quotaExhausted("key day budget (key budget)")) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        }
        // charged 300,000 today: 300,000 + 560,000 ≤ 1,000,000
        _ = try await store.settle(taskID: first.id, outcome: .succeeded(chargeMicros: 300_000, billableSeconds: 3, images: nil))
        let second = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        // yesterday's charges are outside the window
        try await pool.execute("UPDATE daily_charges SET day = day - 1 WHERE subject_id = \(key.keyID)")
        _ = try await store.settle(taskID: second.id, outcome: .failed(message: "x"))
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        try await pool.execute("UPDATE daily_charges SET day = day + 1 WHERE subject_id = \(key.keyID)")
    }

    @Test func tenantWeekAndKeyMonthBudgetsNameSubjectAndPeriod() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 10_000_000)
        try await pool.execute("UPDATE tenants SET week_budget_micros = 1000000 WHERE id = \(key.tenantID)")
        let store = TaskStore(pool: pool)
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        await #expect(throws: ReservationRefusal.quotaExhausted("tenant week budget")) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        }
        let other = try await Fixtures.tenant(pool, credits: 10_000_000)
        try await pool.execute("UPDATE api_keys SET month_budget_micros = 600000 WHERE id = \(other.keyID)")
        _ = try await store.reserve(try Fixtures.videoReservation(other, Self.o1Pro5s))
        await #expect(throws: ReservationRefusal.quotaExhausted("key month budget")) {
            _ = try await store.reserve(try Fixtures.videoReservation(other, Self.o1Pro5s))
        }
    }

    @Test func aChargeLandsOnTheTenantsLocalDay() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 10_000_000)
        try await pool.execute("UPDATE tenants SET time_zone = 'Asia/Tokyo' WHERE id = \(key.tenantID)")
        let store = TaskStore(pool: pool)
        let task = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        _ = try await store.settle(taskID: task.id, outcome: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil))
        let row = try #require(try await pool.queryFirst("""
            SELECT d.day::text AS day, (now() AT TIME ZONE 'Asia/Tokyo')::date::text AS tokyo FROM daily_charges d WHERE d.subject_id = \(key.tenantID)
            """))
        #expect(try row.decode(String.self, "day") == row.decode(String.self, "tokyo"))
        let tenant = try #require(try await TenantStore(pool: pool).get(key.tenantID))
        #expect(tenant.budgets.isEmpty)
    }
}
