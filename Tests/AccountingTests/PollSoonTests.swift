import Accounting
import Foundation
import Postgres
import Testing

/// An upstream callback makes its task due now (`TaskStore.pollSoon`), and only a task not already due
/// gets a new poll queue row version for it: the upstream calls back on every state change.
@Suite struct PollSoonTests {
    static func pollState(_ pool: PostgresPool, _ taskID: UUID) async throws -> (due: Bool, version: String) {
        let row = try await pool.queryFirst("SELECT next_poll_at <= now() AS due, xmin::text AS version FROM task_polls WHERE task_id = \(taskID)")!
        return (try row.decode(Bool.self, "due"), try row.decode(String.self, "version"))
    }

    @Test func aCallbackMakesATaskDueLaterDueNowAndLeavesADueOneAsItIs() async throws {
        // a database of its own: once due, another suite's poll queue could lease the task and give it a
        // new row version between the two callbacks compared here
        let database = try await Fixtures.privateDatabase()
        defer { Task { await database.drop() } }
        let pool = database.pool
        let key = try await Fixtures.tenant(pool, credits: 1_000_000_000)
        let store = TaskStore(pool: pool)
        let body = #"{"prompt":"a fox running through fresh snow","mode":"std","duration":"5","aspect_ratio":"16:9"}"#
        let task = try await store.reserve(try Fixtures.videoReservation(key, body)).task
        try await store.markSubmitted(task, upstreamTaskID: "up-\(task.id)", nextPollAfter: 3600)
        #expect(try await Self.pollState(pool, task.id).due == false)

        try await store.pollSoon(taskID: task.id)
        let due = try await Self.pollState(pool, task.id)
        #expect(due.due)

        // already due: the second callback writes nothing
        try await store.pollSoon(taskID: task.id)
        #expect(try await Self.pollState(pool, task.id) == due)

        // an ended task is never made due
        _ = try await store.settle(taskID: task.id, outcome: Fixtures.succeeded(420_000, seconds: 5))
        try await store.pollSoon(taskID: task.id)
        let ended = try await pool.queryFirst("""
            SELECT NOT EXISTS (SELECT 1 FROM task_polls WHERE task_id = \(task.id)) AS idle, charged_micros FROM tasks WHERE id = \(task.id)
            """)!
        #expect(try ended.decode(Bool.self, "idle"))
        #expect(try ended.decode(Int64.self, "charged_micros") == 420_000)
    }
}
