import Accounting
import Foundation
import Postgres
import Testing
import TestSupport

/// Retention deletes finished deliveries and the events left without one, before the cutoff only; a
/// pending delivery and its event stay, and no money row moves (docs/events.md, "Retention").
@Suite struct DeliveryRetentionTests {
    static let body = #"{"prompt":"x","aspect_ratio":"1:1"}"#

    /// An event of the tenant made `daysAgo` days ago, with one delivery per given state.
    static func event(_ pool: PostgresPool, _ tenantID: UUID, daysAgo: Int, deliveries: [String]) async throws -> UUID {
        let id = try #require(try await pool.queryFirst("""
            INSERT INTO events (tenant_id, type, data, created_at)
            VALUES (\(tenantID), 'balance.low', '{}'::jsonb, now() - make_interval(days => \(daysAgo)::int)) RETURNING id
            """)).decode(UUID.self, "id")
        for state in deliveries {
            try await delivery(pool, tenantID, kind: "event", eventID: id, taskID: nil, daysAgo: daysAgo, state: state)
        }
        return id
    }

    static func delivery(_ pool: PostgresPool, _ tenantID: UUID, kind: String, eventID: UUID?, taskID: UUID?, daysAgo: Int, state: String) async throws {
        try await pool.execute("""
            INSERT INTO callback_outbox (tenant_id, task_id, url, payload, kind, event_id, attempts, created_at, delivered_at, gave_up_at)
            VALUES (\(tenantID), \(taskID), 'https://receiver.example/hook', CASE WHEN \(kind)::text = 'callback' THEN '{}'::jsonb END, \(kind), \(eventID), 1,
                    now() - make_interval(days => \(daysAgo)::int),
                    CASE WHEN \(state)::text = 'delivered' THEN now() - make_interval(days => \(daysAgo)::int) END,
                    CASE WHEN \(state)::text = 'given_up' THEN now() - make_interval(days => \(daysAgo)::int) END)
            """)
    }

    static func count(_ pool: PostgresPool, _ table: String, _ tenantID: UUID) async throws -> Int64 {
        let sql: PostgresQuery = table == "events"
            ? "SELECT count(*)::bigint AS n FROM events WHERE tenant_id = \(tenantID)"
            : "SELECT count(*)::bigint AS n FROM callback_outbox WHERE tenant_id = \(tenantID)"
        return try #require(try await pool.queryFirst(sql)).decode(Int64.self, "n")
    }

    @Test func finishedDeliveriesBeforeTheCutoffGoAndPendingOnesKeepTheirEvent() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 10_000_000)
        let tenant = key.tenantID
        let task = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, Self.body)).task
        // Far in the past, so that no other suite's rows in the shared database are older than the cutoff.
        let oldDelivered = try await Self.event(pool, tenant, daysAgo: 4000, deliveries: ["delivered", "given_up"])
        let oldPending = try await Self.event(pool, tenant, daysAgo: 4000, deliveries: ["delivered", "pending"])
        let oldUnsent = try await Self.event(pool, tenant, daysAgo: 4000, deliveries: [])
        let recent = try await Self.event(pool, tenant, daysAgo: 3000, deliveries: ["delivered"])
        try await Self.delivery(pool, tenant, kind: "callback", eventID: nil, taskID: task.id, daysAgo: 4000, state: "delivered")
        try await Self.delivery(pool, tenant, kind: "callback", eventID: nil, taskID: task.id, daysAgo: 4000, state: "pending")
        #expect(try await Self.count(pool, "events", tenant) == 4)
        #expect(try await Self.count(pool, "callback_outbox", tenant) == 7)
        let ledgerBefore = try await pool.query("SELECT id FROM ledger_entries WHERE tenant_id = \(tenant) ORDER BY id").count

        // cutoff 3,500 days ago, in batches of 1 so that the batch loop runs more than once
        let pruned = try await DeliveryRetention(pool: pool).prune(finishedBefore: Date().addingTimeInterval(-3500 * 86_400), batch: 1)
        #expect(pruned.deliveries >= 4 && pruned.events >= 2)
        let events = Set(try await pool.query("SELECT id FROM events WHERE tenant_id = \(tenant)").map { try $0.decode(UUID.self, "id") })
        #expect(events == [oldPending, recent])
        #expect(!events.contains(oldDelivered) && !events.contains(oldUnsent))
        let left = try await pool.query("""
            SELECT kind, event_id, delivered_at IS NOT NULL AS delivered FROM callback_outbox WHERE tenant_id = \(tenant) ORDER BY id
            """).map { (try $0.decode(String.self, "kind"), try $0.decode(UUID?.self, "event_id"), try $0.decode(Bool.self, "delivered")) }
        #expect(left.map(\.0) == ["event", "event", "callback"])
        #expect(left.map(\.1) == [oldPending, recent, nil])
        #expect(left.map(\.2) == [false, true, false])
        #expect(try await pool.query("SELECT id FROM ledger_entries WHERE tenant_id = \(tenant) ORDER BY id").count == ledgerBefore)

        // a second pass finds nothing more of this tenant's
        _ = try await DeliveryRetention(pool: pool).prune(finishedBefore: Date().addingTimeInterval(-3500 * 86_400))
        #expect(try await Self.count(pool, "callback_outbox", tenant) == 3)
        #expect(try await Self.count(pool, "events", tenant) == 2)
    }
}
