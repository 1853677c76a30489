import Accounting
import Foundation
import Postgres
import Testing

/// Credit grants against a real PostgreSQL: funding order, settlement, void, expiry (docs/money.md).
@Suite struct GrantTests {
    static let o1Pro5s = #"{"prompt":"x","aspect_ratio":"1:1"}"#  // 560,000
    static let image1k = #"{"model":"kling-image-o1","prompt":"x","resolution":"1k"}"#

    struct GrantState: Equatable {
        var remaining: Int64, held: Int64, used: Int64, expired: Int64, voided: Int64
    }

    static func state(_ pool: PostgresPool, _ id: UUID) async throws -> GrantState {
        let row = try #require(try await pool.queryFirst("""
            SELECT remaining_micros, held_micros, used_micros, expired_micros, voided_micros FROM credit_grants WHERE id = \(id)
            """))
        let (r, h, u, e, v) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
        return GrantState(remaining: r, held: h, used: u, expired: e, voided: v)
    }

    static func holds(_ pool: PostgresPool, _ taskID: UUID) async throws -> [(UUID?, Int64)] {
        try await pool.query("SELECT grant_id, held_micros FROM funding_holds WHERE task_id = \(taskID) ORDER BY position").map {
            try $0.decode((UUID?, Int64).self)
        }
    }

    static func grant(_ pool: PostgresPool, _ key: AuthenticatedKey, _ amount: Int64, priority: Int = 10, models: [String]? = nil,
                      expiresAt: Date? = nil) async throws -> CreditGrant {
        try #require(try await GrantStore(pool: pool).create(
            tenantID: key.tenantID, GrantRequest(amountMicros: amount, name: "grant", priority: priority, expiresAt: expiresAt, models: models),
            actor: "test")).grant
    }

    static func available(_ pool: PostgresPool, _ key: AuthenticatedKey) async throws -> Int64 {
        try #require(try await TenantStore(pool: pool).get(key.tenantID)).balance.availableMicros
    }

    /// Every invariant holds for this tenant: no breach names it, its key, tasks or grants (other suites
    /// break invariants of their own tenants on purpose in the shared database).
    static func reconcileOK(_ pool: PostgresPool, _ key: AuthenticatedKey) async throws {
        var ids = [key.tenantID, key.keyID]
        for row in try await pool.query("""
            SELECT id FROM tasks WHERE tenant_id = \(key.tenantID) UNION ALL SELECT id FROM credit_grants WHERE tenant_id = \(key.tenantID)
            """) { ids.append(try row.decode(UUID.self, "id")) }
        let names = Set(ids.map { $0.uuidString.lowercased() })
        let report = try await Reconciliation(pool: pool).run()
        for check in report.checks {
            let mine = check.detail.examples.filter { example in names.contains { example.contains($0) } }
            #expect(mine.isEmpty, "\(check.name): \(mine)")
        }
    }

    /// No credits; A 1,000,000 (priority 1), B 500,000 (priority 2): two 560,000 tasks, a third refused,
    /// both charged in full, then B voided.
    @Test func theContractExampleFundsAThenBAndAVoidLeavesNothing() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 0)
        let store = TaskStore(pool: pool)
        let a = try await Self.grant(pool, key, 1_000_000, priority: 1)
        let b = try await Self.grant(pool, key, 500_000, priority: 2)
        #expect(a.status == .active)
        #expect(try await Self.available(pool, key) == 1_500_000)

        let first = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        let firstHolds = try await Self.holds(pool, first.id)
        #expect(firstHolds.map(\.0) == [a.id] && firstHolds.map(\.1) == [560_000])
        let second = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        let secondHolds = try await Self.holds(pool, second.id)
        #expect(secondHolds.map(\.0) == [a.id, b.id] && secondHolds.map(\.1) == [440_000, 120_000])
        await #expect(throws: ReservationRefusal.quotaExhausted("balance")) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        }

        for task in [first, second] {
            _ = try await store.settle(taskID: task.id, outcome: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil))
        }
        #expect(try await Self.state(pool, a.id) == GrantState(remaining: 0, held: 0, used: 1_000_000, expired: 0, voided: 0))
        #expect(try await Self.state(pool, b.id) == GrantState(remaining: 380_000, held: 0, used: 120_000, expired: 0, voided: 0))
        #expect(try await GrantStore(pool: pool).get(a.id)?.status == .exhausted)

        let voided = try #require(try await GrantStore(pool: pool).void(b.id, actor: "test"))
        #expect(voided.status == .voided)
        #expect(voided.remainingMicros == 0 && voided.voidedMicros == 380_000)
        let rows = try await pool.query("SELECT amount_micros FROM ledger_entries WHERE grant_id = \(b.id) AND kind = 'grant_void'")
        #expect(try rows.map { try $0.decode(Int64.self, "amount_micros") } == [380_000])
        #expect(try await Self.available(pool, key) == 0)
        // a second void moves nothing
        _ = try await GrantStore(pool: pool).void(b.id, actor: "test")
        #expect(try await TaskStore(pool: pool).pool.query("SELECT 1 AS one FROM ledger_entries WHERE grant_id = \(b.id) AND kind = 'grant_void'").count == 1)
        try await Self.reconcileOK(pool, key)
    }

    /// Grants 10,000,000 (priority 1) and 5,000,000 (priority 2) and 5,820,000 of credits fund exactly 37
    /// tasks of 560,000 (20,720,000), leaving 100,000.
    @Test func twoHundredConcurrentCreatesAgainstTwoGrantsAndABalanceFundExactly37() async throws {
        let pool = try await Fixtures.pool(max: 16)
        let key = try await Fixtures.tenant(pool, credits: 5_820_000)
        let a = try await Self.grant(pool, key, 10_000_000, priority: 1)
        let b = try await Self.grant(pool, key, 5_000_000, priority: 2)
        let store = TaskStore(pool: pool)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    do {
                        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
                        return true
                    } catch ReservationRefusal.quotaExhausted(let limit) {
                        #expect(limit == "balance")
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 37)
        #expect(try await Self.state(pool, a.id) == GrantState(remaining: 0, held: 10_000_000, used: 0, expired: 0, voided: 0))
        #expect(try await Self.state(pool, b.id) == GrantState(remaining: 0, held: 5_000_000, used: 0, expired: 0, voided: 0))
        let plainHeld = try await pool.queryFirst("""
            SELECT COALESCE(sum(held_micros), 0)::bigint AS n FROM funding_holds WHERE tenant_id = \(key.tenantID) AND grant_id IS NULL
            """)?.decode(Int64.self, "n")
        #expect(plainHeld == 5_720_000)
        #expect(try await Self.available(pool, key) == 100_000)
        #expect(try await Fixtures.balance(pool, key.tenantID).reserved == 20_720_000)
        try await Self.reconcileOK(pool, key)
    }

    @Test func aDayBudgetBindsTwoHundredConcurrentCreatesAt37() async throws {
        let pool = try await Fixtures.pool(max: 16)
        let key = try await Fixtures.tenant(pool, credits: 100_000_000)
        try await pool.execute("UPDATE tenants SET day_budget_micros = \(Int64(37 * 560_000 + 1)), time_zone = 'Asia/Tokyo' WHERE id = \(key.tenantID)")
        _ = try await Self.grant(pool, key, 3_000_000, priority: 1)
        let store = TaskStore(pool: pool)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    do {
                        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
                        return true
                    } catch ReservationRefusal.quotaExhausted(let limit) {
                        #expect(limit == "tenant day budget")
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 37)
        #expect(try await Fixtures.balance(pool, key.tenantID).reserved == 37 * 560_000)
        try await Self.reconcileOK(pool, key)
    }

    @Test func aGrantForImagesNeverFundsAVideo() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 600_000)
        let images = try await Self.grant(pool, key, 5_000_000, priority: 1, models: ["kling-image-o1"])
        let store = TaskStore(pool: pool)
        let video = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        let holds = try await Self.holds(pool, video.id)
        #expect(holds.map(\.0) == [nil] && holds.map(\.1) == [560_000])
        await #expect(throws: ReservationRefusal.quotaExhausted("balance")) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        }
        #expect(try await Self.state(pool, images.id).remaining == 5_000_000)
        try await Self.reconcileOK(pool, key)
    }

    /// Held 560,000 on a grant that then expires: the unheld 440,000 expires at once, the held part when
    /// the task fails and releases it, in the release's transaction; nothing expires twice.
    @Test func aGrantThatExpiresWhileHeldExpiresTheReleasedPartWithTheRelease() async throws {
        // a database of its own: the expiry job leases due grants of every tenant, and a parallel suite's
        // run could hold this grant's lease (30 s) while this test looks for its expiry
        let database = try await Fixtures.privateDatabase()
        defer { Task { await database.drop() } }
        let pool = database.pool
        let key = try await Fixtures.tenant(pool, credits: 0)
        let grant = try await Self.grant(pool, key, 1_000_000, expiresAt: Date().addingTimeInterval(3600))
        let store = TaskStore(pool: pool)
        let task = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        try await pool.execute("UPDATE credit_grants SET effective_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = \(grant.id)")

        // Two instances run the job at once; the ledger, not their counts, says this grant expired once.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 { group.addTask { try await GrantStore(pool: pool).expireDue() } }
            try await group.waitForAll()
        }
        #expect(try await pool.query("SELECT 1 AS one FROM ledger_entries WHERE grant_id = \(grant.id) AND kind = 'grant_expire'").count == 1)
        #expect(try await Self.state(pool, grant.id) == GrantState(remaining: 0, held: 560_000, used: 0, expired: 440_000, voided: 0))
        try await GrantStore(pool: pool).expireDue()
        #expect(try await pool.query("SELECT 1 AS one FROM ledger_entries WHERE grant_id = \(grant.id) AND kind = 'grant_expire'").count == 1)

        _ = try await store.settle(taskID: task.id, outcome: .failed(message: "x"))
        #expect(try await Self.state(pool, grant.id) == GrantState(remaining: 0, held: 0, used: 0, expired: 1_000_000, voided: 0))
        let expiredRows = try await pool.query("SELECT amount_micros FROM ledger_entries WHERE grant_id = \(grant.id) AND kind = 'grant_expire' ORDER BY id")
        #expect(try expiredRows.map { try $0.decode(Int64.self, "amount_micros") } == [440_000, 560_000])
        #expect(try await Self.available(pool, key) == 0)
        try await Self.reconcileOK(pool, key)
    }

    @Test func aReservationThatMeetsAnExpiredGrantExpiresItAndFallsToTheBalance() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 600_000)
        let grant = try await Self.grant(pool, key, 1_000_000, priority: 1, expiresAt: Date().addingTimeInterval(3600))
        try await pool.execute("UPDATE credit_grants SET effective_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = \(grant.id)")
        let task = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        #expect(try await Self.holds(pool, task.id).map(\.0) == [nil])
        #expect(try await Self.state(pool, grant.id).expired == 1_000_000)
        #expect(try await GrantStore(pool: pool).get(grant.id)?.status == .expired)
        try await GrantStore(pool: pool).expireDue()
        #expect(try await pool.query("SELECT 1 AS one FROM ledger_entries WHERE grant_id = \(grant.id) AND kind = 'grant_expire'").count == 1)
        try await Self.reconcileOK(pool, key)
    }

    @Test func aPartialChargeTakesTheFirstSourcesAndGivesTheRestBack() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000_000)
        let a = try await Self.grant(pool, key, 300_000, priority: 1)
        let store = TaskStore(pool: pool)
        let task = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task  // 300,000 on A, 260,000 plain
        _ = try await store.settle(taskID: task.id, outcome: .succeeded(chargeMicros: 400_000, billableSeconds: 4, images: nil))
        #expect(try await Self.state(pool, a.id) == GrantState(remaining: 0, held: 0, used: 300_000, expired: 0, voided: 0))
        // plain: 1,000,000 − 100,000 charged to it
        #expect(try await Self.available(pool, key) == 900_000)
        try await Self.reconcileOK(pool, key)
    }

    @Test func aPendingGrantFundsNothingUntilItsEffectiveTime() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 0)
        let pending = try #require(try await GrantStore(pool: pool).create(
            tenantID: key.tenantID, GrantRequest(amountMicros: 1_000_000, name: "next month", effectiveAt: Date().addingTimeInterval(3600)),
            actor: "test")).grant
        #expect(pending.status == .pending)
        #expect(try await Self.available(pool, key) == 0)
        await #expect(throws: ReservationRefusal.quotaExhausted("balance")) {
            _ = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        }
    }
}
