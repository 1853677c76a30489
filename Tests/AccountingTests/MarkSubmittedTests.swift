import Accounting
import Foundation
import Postgres
import Testing

/// `markSubmitted` is one round trip: the guarded update, its callback and its event go with BEGIN and
/// COMMIT, and the callback and event are written only when the update matched, stamped with the
/// `updated_at` the update wrote.
@Suite struct MarkSubmittedTests {
    @Test func oneRoundTripAnnouncesTheSubmissionOnceWithTheRowsUpdatedAt() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000_000_000)
        try await pool.execute("UPDATE tenants SET events_url = 'https://example.com/events' WHERE id = \(key.tenantID)")
        let store = TaskStore(pool: pool)
        let body = #"{"prompt":"a fox","mode":"std","duration":"5","aspect_ratio":"16:9","callback_url":"https://example.com/cb"}"#
        let task = try await store.reserve(try Fixtures.videoReservation(key, body)).task

        let log = PostgresStatementLog()
        let submitted = try await PostgresStatementLog.$current.withValue(log) {
            try await store.markSubmitted(task, upstreamTaskID: "up-\(task.id)", nextPollAfter: 3600)
        }
        #expect(log.roundTrips.count == 1, "\(log.roundTrips)")
        #expect(log.roundTrips.first?.first?.hasPrefix("BEGIN") == true && log.roundTrips.first?.last == "COMMIT")
        #expect(submitted?.state == .submitted && submitted?.upstreamTaskID == "up-\(task.id)")
        #expect(submitted?.reservedMicros == 420_000)

        let callback = try #require(try await pool.queryFirst("""
            SELECT payload ->> 'task_status' AS status, (payload ->> 'updated_at')::bigint AS stamped,
                   (payload -> 'billing' ->> 'reserved_micros')::bigint AS reserved,
                   (SELECT floor(extract(epoch FROM updated_at) * 1000)::bigint FROM tasks WHERE id = \(task.id)) AS row_ms,
                   (SELECT count(*) FROM callback_outbox WHERE task_id = \(task.id) AND kind = 'callback') AS callbacks
            FROM callback_outbox WHERE task_id = \(task.id) AND kind = 'callback'
            """))
        #expect(try callback.decode(String.self, "status") == "submitted")
        let rowMilliseconds = try callback.decode(Int64.self, "row_ms")
        #expect(try callback.decode(Int64.self, "stamped") == rowMilliseconds)
        #expect(try callback.decode(Int64.self, "reserved") == 420_000)
        #expect(try callback.decode(Int64.self, "callbacks") == 1)
        let events = try await Self.events(pool, key.tenantID)
        #expect(events.count == 1)
        #expect(events.first?.status == "submitted" && events.first?.stamped == rowMilliseconds)

        // no longer reserved: the update matches nothing, and nothing is announced
        let again = try await store.markSubmitted(task, upstreamTaskID: "up-other", nextPollAfter: 3600)
        #expect(again == nil)
        #expect(try await pool.queryFirst("SELECT count(*) AS n FROM callback_outbox WHERE task_id = \(task.id) AND kind = 'callback'")!
            .decode(Int64.self, "n") == 1)
        #expect(try await Self.events(pool, key.tenantID).count == 1)
        #expect(try await store.task(id: task.id)?.upstreamTaskID == "up-\(task.id)")
    }

    static func events(_ pool: PostgresPool, _ tenantID: UUID) async throws -> [(status: String, stamped: Int64)] {
        try await pool.query("""
            SELECT data ->> 'task_status' AS status, (data ->> 'updated_at')::bigint AS stamped
            FROM events WHERE tenant_id = \(tenantID) AND type = 'task.updated' ORDER BY id
            """).map { (try $0.decode(String.self, "status"), try $0.decode(Int64.self, "stamped")) }
    }
}
