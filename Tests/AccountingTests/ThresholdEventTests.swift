import Accounting
import Foundation
import Kling
import Postgres
import Testing

/// Budget thresholds, balance alerts and grant expiry as events, decided in the transaction that moves
/// the money (docs/events.md).
@Suite struct ThresholdEventTests {
    static let o1Pro5s = #"{"prompt":"x","aspect_ratio":"1:1"}"#  // 560,000

    struct Event {
        var type: String
        var data: JSONValue
        func int(_ field: String) -> Int64? { data[field]?.int64Value }
        func text(_ field: String) -> String? { data[field]?.stringValue }
    }

    /// The tenant's alert events, oldest first (task.updated left out: it is stored when some test's
    /// operator endpoint wants it).
    static func events(_ pool: PostgresPool, _ tenantID: UUID) async throws -> [Event] {
        try await pool.query("""
            SELECT type, data FROM events WHERE tenant_id = \(tenantID) AND type <> 'task.updated' ORDER BY seq
            """).map {
            Event(type: try $0.decode(String.self, "type"), data: try JSONValue.decode(try $0.decode(PostgresJSON.self, "data").data))
        }
    }

    @Test func fiftyConcurrentReservationsFireEachThresholdOnceAndAFailedTaskResolves() async throws {
        let pool = try await Fixtures.pool()
        var limits = Fixtures.Limits()
        limits.keyBudget = 28_000_000  // 50 × 560,000
        limits.keyBudgetPeriod = "day"
        let key = try await Fixtures.tenant(pool, credits: 100_000_000, limits: limits)
        var changes = TenantChanges()
        changes.budgets = .set([Budget(period: .day, amountMicros: 28_000_000)])
        _ = try await TenantStore(pool: pool).update(key.tenantID, changes, actor: "test")
        let store = TaskStore(pool: pool)
        let tasks = try await withThrowingTaskGroup(of: TaskRecord.self) { group in
            for _ in 0..<50 { group.addTask { try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task } }
            return try await group.reduce(into: [TaskRecord]()) { $0.append($1) }
        }
        #expect(tasks.count == 50)
        await #expect(throws: ReservationRefusal.self) { _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)) }
        var events = try await Self.events(pool, key.tenantID)
        for subject in ["tenant", "key"] {
            let crossed = events.filter { $0.type == "budget.threshold_crossed" && $0.text("subject") == subject }
            #expect(crossed.map { $0.int("threshold_percent") ?? 0 } == [50, 80, 100], "\(subject): \(crossed.map(\.data))")
            // reached exactly at the 25th, 40th and 50th reservation
            #expect(crossed.map { $0.int("spent_micros") ?? 0 } == [14_000_000, 22_400_000, 28_000_000])
            #expect(crossed.allSatisfy { $0.int("amount_micros") == 28_000_000 && $0.text("period") == "day" && $0.text("window_start") != nil })
            #expect(crossed.allSatisfy { $0.text("subject_id") == (subject == "tenant" ? key.tenantID : key.keyID).uuidString.lowercased() })
            #expect(crossed.allSatisfy { $0.text("tenant_id") == key.tenantID.uuidString.lowercased() })
        }
        #expect(!events.contains { $0.type == "budget.threshold_resolved" })

        // a failed task releases 560,000: 27,440,000 is under 100 %, once; a second failure resolves nothing more
        _ = try await store.settle(taskID: tasks[0].id, outcome: .failed(message: "x"))
        _ = try await store.settle(taskID: tasks[1].id, outcome: .failed(message: "x"))
        events = try await Self.events(pool, key.tenantID)
        let resolved = events.filter { $0.type == "budget.threshold_resolved" }
        #expect(resolved.count == 2, "tenant and key, 100 % each: \(resolved.map(\.data))")
        #expect(resolved.allSatisfy { $0.int("threshold_percent") == 100 && $0.int("spent_micros") == 27_440_000 })
        // back to 100 % in the same window: a resolved threshold does not fire again
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        #expect(try await Self.events(pool, key.tenantID).filter { $0.type == "budget.threshold_crossed" }.count == 6)
        let rows = try await pool.queryFirst("SELECT count(*) AS n FROM budget_thresholds WHERE tenant_id = \(key.tenantID)")
        #expect(try rows?.decode(Int64.self, "n") == 6)
    }

    @Test func aRaisedBudgetResolvesAndTheThresholdStaysQuietInThatWindow() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 100_000_000)
        let tenants = TenantStore(pool: pool)
        var changes = TenantChanges()
        changes.budgets = .set([Budget(period: .day, amountMicros: 1_000_000)])
        changes.alertThresholds = .set([50])
        _ = try await tenants.update(key.tenantID, changes, actor: "test")
        let store = TaskStore(pool: pool)
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))  // 56 %
        #expect(try await Self.events(pool, key.tenantID).map(\.type) == ["budget.threshold_crossed"])
        changes.budgets = .set([Budget(period: .day, amountMicros: 2_000_000)])  // 28 %
        _ = try await tenants.update(key.tenantID, changes, actor: "test")
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))  // 56 % again
        let events = try await Self.events(pool, key.tenantID)
        #expect(events.map(\.type) == ["budget.threshold_crossed", "budget.threshold_resolved"])
        #expect(events.last?.int("spent_micros") == 560_000 && events.last?.int("amount_micros") == 2_000_000)
    }

    @Test func theBalanceAlertFiresOncePerCrossingAndRecoversOnATopUp() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000_000)
        var changes = TenantChanges()
        changes.lowBalanceMicros = .set(500_000)
        _ = try await TenantStore(pool: pool).update(key.tenantID, changes, actor: "test")
        #expect(try await Self.events(pool, key.tenantID).isEmpty, "1,000,000 is not under 500,000")
        let store = TaskStore(pool: pool)
        let task = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task  // 440,000 left
        _ = try await store.settle(taskID: task.id, outcome: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil))
        _ = try await CreditStore(pool: pool).add(tenantID: key.tenantID, amountMicros: 1_000_000, reason: "top-up", idempotencyKey: nil, actor: "test")
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))  // 880,000 left: not low
        let events = try await Self.events(pool, key.tenantID)
        #expect(events.map(\.type) == ["balance.low", "balance.recovered"])
        #expect(events.map { $0.int("available_micros") ?? -1 } == [440_000, 1_440_000])
        #expect(events.allSatisfy { $0.int("low_balance_micros") == 500_000 })
    }

    @Test func anExpiredGrantIsAnEventWithTheGrant() async throws {
        // a database of its own: the expiry job leases every tenant's due grants, and a parallel suite's
        // run could hold this one's lease while this test looks for its event
        let database = try await Fixtures.privateDatabase()
        defer { Task { await database.drop() } }
        let pool = database.pool
        let key = try await Fixtures.tenant(pool, credits: 0)
        let grants = GrantStore(pool: pool)
        let made = try #require(try await grants.create(tenantID: key.tenantID, GrantRequest(amountMicros: 300_000, name: "promo",
                                                                                             expiresAt: Date().addingTimeInterval(3600)), actor: "test"))
        try await pool.execute("""
            UPDATE credit_grants SET effective_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = \(made.grant.id)
            """)
        _ = try await grants.expireDue()
        let events = try await Self.events(pool, key.tenantID).filter { $0.type == "grant.expired" }
        #expect(events.count == 1)
        #expect(events.first?.text("id") == made.grant.id.uuidString.lowercased())
        #expect(events.first?.text("status") == "expired" && events.first?.int("amount_micros") == 300_000)
        #expect(events.first?.text("tenant_id") == key.tenantID.uuidString.lowercased())
    }
}
