import Accounting
import Foundation
import Postgres
import Testing

/// A poll that finds the task still running reschedules it (`TaskStore.reschedule`). When its state stays
/// the one it was leased in, the update goes alone and announces nothing; a change of state is announced to
/// the tenant once, in the transaction that makes it; an ended task is left as it is.
@Suite struct RescheduleTests {
    static func callbacks(_ pool: PostgresPool, _ taskID: UUID) async throws -> [String] {
        try await pool.query("SELECT payload ->> 'task_status' AS status FROM callback_outbox WHERE task_id = \(taskID) AND payload IS NOT NULL ORDER BY id")
            .map { try $0.decode(String.self, "status") }
    }

    /// The task row's version: a lone reschedule writes only the poll queue's row.
    static func taskVersion(_ pool: PostgresPool, _ taskID: UUID) async throws -> String {
        try await pool.queryFirst("SELECT xmin::text AS v FROM tasks WHERE id = \(taskID)")!.decode(String.self, "v")
    }

    static func row(_ pool: PostgresPool, _ taskID: UUID) async throws -> PostgresRow {
        try await pool.queryFirst("""
            SELECT t.state, p.lease_owner, p.task_id IS NULL AS idle,
                   COALESCE(p.next_poll_at BETWEEN now() + interval '50 seconds' AND now() + interval '70 seconds', false) AS in_a_minute,
                   t.submitted_at, t.charged_micros, t.poll_attempts AS task_polls, p.poll_attempts AS queue_polls
            FROM tasks t LEFT JOIN task_polls p ON p.task_id = t.id WHERE t.id = \(taskID)
            """)!
    }

    @Test func anUnchangedStateIsRescheduledSilentlyAndAChangeIsAnnouncedOnce() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000_000_000)
        let store = TaskStore(pool: pool)
        let body = #"{"prompt":"a fox","mode":"std","duration":"5","aspect_ratio":"16:9","callback_url":"https://example.com/cb"}"#
        let task = try await store.reserve(try Fixtures.videoReservation(key, body)).task
        // not due, so no other suite's poll queue (same database, in parallel) leases it; leased here as
        // `leaseDueTasks` would, for this task alone
        try await store.markSubmitted(task, upstreamTaskID: "up-\(task.id)", nextPollAfter: 3600)
        #expect(try await Self.callbacks(pool, task.id) == ["submitted"])
        let submittedAt = try await Self.row(pool, task.id).decode(Date.self, "submitted_at")
        try await pool.execute("UPDATE task_polls SET lease_owner = 'poller', lease_until = now() + interval '60 seconds', poll_attempts = 2 WHERE task_id = \(task.id)")

        let before = try await Self.taskVersion(pool, task.id)
        let log = PostgresStatementLog()
        try await PostgresStatementLog.$current.withValue(log) {
            try await store.reschedule(taskID: task.id, owner: "poller", after: 60, state: .submitted, upstreamTaskID: "up-\(task.id)", known: .submitted)
        }
        // one statement in one round trip: no BEGIN, no row lock read, no COMMIT, and the task row untouched
        #expect(log.roundTrips.count == 1)
        #expect(log.statements.count == 1 && log.statements.first?.hasPrefix("UPDATE task_polls") == true)
        var row = try await Self.row(pool, task.id)
        #expect(try row.decode(String.self, "state") == "submitted")
        #expect(try row.decode(String?.self, "lease_owner") == nil)
        #expect(try row.decode(Bool.self, "in_a_minute"))
        #expect(try await Self.callbacks(pool, task.id) == ["submitted"])  // nothing announced
        #expect(try await Self.taskVersion(pool, task.id) == before)

        try await store.reschedule(taskID: task.id, owner: "poller", after: 60, state: .processing, upstreamTaskID: "up-\(task.id)", known: .submitted)
        row = try await Self.row(pool, task.id)
        #expect(try row.decode(String.self, "state") == "processing")
        #expect(try row.decode(Date.self, "submitted_at") == submittedAt)
        #expect(try await Self.callbacks(pool, task.id) == ["submitted", "processing"])

        // a lease taken in a state the row has left: the lone update matches nothing, the transaction decides
        try await store.reschedule(taskID: task.id, owner: "poller", after: 60, known: .submitted)
        #expect(try await Self.row(pool, task.id).decode(String.self, "state") == "processing")
        #expect(try await Self.callbacks(pool, task.id) == ["submitted", "processing"])

        _ = try await store.settle(taskID: task.id, outcome: Fixtures.succeeded(420_000, seconds: 5))
        try await store.reschedule(taskID: task.id, owner: "poller", after: 60, known: .processing)
        row = try await Self.row(pool, task.id)
        #expect(try row.decode(String.self, "state") == "succeeded")
        #expect(try row.decode(Bool.self, "idle"))
        #expect(try row.decode(Int64.self, "charged_micros") == 420_000)
        // the poll count moves to the task when it leaves the queue
        #expect(try row.decode(Int.self, "task_polls") == 2)
        #expect(try await Self.callbacks(pool, task.id) == ["submitted", "processing", "succeed"])
    }
}
