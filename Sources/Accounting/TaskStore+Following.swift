import Foundation
import Postgres

extension TaskStore {
    /// The upstream accepted the task: record its id and hand it to the poller. One round trip: BEGIN, the
    /// guarded update, its poll time, callback and event (each written only if the update matched), COMMIT. `task` is the
    /// task as reserved: while it is still `reserved` nothing the callback shows has changed but the state,
    /// the upstream id and `updated_at` (which the database stamps). Nil when the task was not reserved.
    @discardableResult
    public func markSubmitted(_ task: TaskRecord, upstreamTaskID: String, channelID: String? = nil, nextPollAfter seconds: Double) async throws -> TaskRecord? {
        let updated = try await pool.transaction { connection in
            let updated = try await connection.later("""
                UPDATE tasks SET state = 'submitted', upstream_task_id = \(upstreamTaskID), submitted_at = now(),
                       channel_id = COALESCE(\(channelID), channel_id),
                       submit_attempts = submit_attempts + 1, updated_at = now()
                WHERE id = \(task.id) AND state = 'reserved'
                RETURNING \(unescaped: TaskRecord.columns)
                """)
            try await connection.later(Self.requeue(after: seconds) + """
                WHERE task_id = \(task.id) AND \(unescaped: CallbackOutbox.transactionWroteSQL)
                """)
            var announced = task
            announced.state = .submitted
            announced.upstreamTaskID = upstreamTaskID
            try await CallbackOutbox.enqueue(announced, written: .queuedAsFirstWrite, on: connection)
            return updated
        }
        return try updated.rows?.first.map(TaskRecord.init(row:))
    }

    /// Counts a submission attempt whose outcome is unknown and leaves the task for the poller to reconcile.
    /// `channelID` is the channel that must be asked (docs/channels.md: never another while unknown).
    public func markSubmitUncertain(taskID: UUID, channelID: String? = nil, retryAfter seconds: Double) async throws {
        try await pool.execute("""
            WITH counted AS (
                UPDATE tasks SET submit_attempts = submit_attempts + 1, channel_id = COALESCE(\(channelID), channel_id), updated_at = now()
                WHERE id = \(taskID) AND state = 'reserved'
                RETURNING id
            )
            """ + Self.requeue(after: seconds) + "WHERE task_id IN (SELECT id FROM counted)")
    }

    /// Leases up to `limit` open tasks that are due, for this process alone (`FOR UPDATE SKIP LOCKED`:
    /// instances never wait on or take each other's tasks; an expired lease makes a task due again).
    /// Only the poll queue's rows are locked and written (sql/021_task_polls.sql).
    public func leaseDueTasks(owner: String, limit: Int, leaseSeconds: Int) async throws -> [TaskRecord] {
        try await pool.query("""
            WITH leased AS (
                UPDATE task_polls SET lease_owner = \(owner), lease_until = now() + make_interval(secs => \(leaseSeconds)),
                       poll_attempts = poll_attempts + 1
                WHERE task_id IN (
                    SELECT task_id FROM task_polls
                    WHERE next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now())
                    ORDER BY next_poll_at
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING task_id
            )
            SELECT \(unescaped: TaskRecord.columns) FROM tasks
            WHERE id IN (SELECT task_id FROM leased) AND state IN \(unescaped: TaskState.openSQL)
            """).map(TaskRecord.init(row:))
    }

    /// Still running upstream (or not reachable): look again later. `state` moves submitted -> processing.
    /// `known` is the state the caller leased the task in: when the state stays that and the task row has
    /// nothing to learn (its upstream id and channel are known), only its poll queue row is written, alone
    /// (one round trip, no BEGIN or COMMIT, the task row untouched); if the task moved on meanwhile that
    /// matches nothing and the transaction below decides.
    public func reschedule(taskID: UUID, owner: String?, after seconds: Double, state: TaskState? = nil,
                           upstreamTaskID: String? = nil, channelID: String? = nil, known: TaskState? = nil) async throws {
        if let known, state == nil || state == known {
            let moved = try await pool.execute(Self.requeue(after: seconds) + Self.leasedBy(owner, taskID: taskID) + """
                  AND EXISTS (SELECT 1 FROM tasks WHERE id = \(taskID) AND state = \(known.rawValue)
                              AND (\(upstreamTaskID)::text IS NULL
                                   OR (upstream_task_id IS NOT NULL AND (channel_id IS NOT NULL OR \(channelID)::text IS NULL))))
                """)
            if moved == 1 { return }
        }
        try await pool.transaction { connection in
            // one round trip: the state before, under the task's lock, then the update of both rows
            let answers = try await connection.pipeline(["SELECT state FROM tasks WHERE id = \(taskID) FOR UPDATE", """
                WITH polled AS (
                """ + Self.requeue(after: seconds) + Self.leasedBy(owner, taskID: taskID) + """
                    RETURNING task_id
                )
                UPDATE tasks SET updated_at = now(),
                       state = COALESCE(\(state?.rawValue), state),
                       upstream_task_id = COALESCE(upstream_task_id, \(upstreamTaskID)),
                       channel_id = CASE WHEN \(upstreamTaskID)::text IS NULL THEN channel_id ELSE COALESCE(channel_id, \(channelID)) END,
                       submitted_at = CASE WHEN \(state?.rawValue) IN ('submitted', 'processing') THEN COALESCE(submitted_at, now()) ELSE submitted_at END
                WHERE id = \(taskID) AND id IN (SELECT task_id FROM polled) AND state IN \(unescaped: TaskState.openSQL)
                RETURNING \(unescaped: TaskRecord.columns)
                """])
            guard let previous = try answers[0].first?.decode(String.self, "state"), let row = answers[1].first else { return }
            let task = try TaskRecord(row: row)
            // a status change is announced to the tenant, in this same transaction
            if task.state.rawValue != previous { try await CallbackOutbox.enqueue(task, on: connection) }
        }
    }

    /// The start of an UPDATE that hands a task's queue row back, due `seconds` from now and unleased; the
    /// caller's WHERE follows.
    static func requeue(after seconds: Double) -> PostgresQuery {
        "UPDATE task_polls SET next_poll_at = now() + make_interval(secs => \(seconds)), lease_owner = NULL, lease_until = NULL\n"
    }

    /// The queue row of `taskID`, if `owner` holds its lease, nobody does, or the caller is not a poller (nil).
    static func leasedBy(_ owner: String?, taskID: UUID) -> PostgresQuery {
        "WHERE task_id = \(taskID) AND (\(owner)::text IS NULL OR lease_owner IS NULL OR lease_owner = \(owner))\n"
    }

    /// Makes a task due now (an upstream callback arrived). One already due is left as it is: no new row
    /// version for the upstream's every callback.
    public func pollSoon(taskID: UUID) async throws {
        try await pool.execute("""
            UPDATE task_polls SET next_poll_at = now()
            WHERE task_id = \(taskID) AND next_poll_at > now()
            """)
    }
}
