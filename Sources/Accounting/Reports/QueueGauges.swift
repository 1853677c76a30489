import Postgres

/// The shared truth `/metrics` reports, read in one query: open tasks by state and the money they
/// hold, how overdue the poll queue is, recent ends, and the callback outbox. Every part reads a
/// partial index (open tasks, recent ends, undelivered callbacks), so a scrape stays cheap.
public struct QueueGauges: Sendable, Equatable {
    /// Open tasks by state (reserved, submitted, processing).
    public var open: [String: Int64]
    public var openReservedMicros: Int64
    public var pollLagSeconds: Double
    /// Tasks that ended in the last hour, by end state.
    public var endedLastHour: [String: Int64]
    public var outboxBacklog: Int64
    public var outboxLagSeconds: Double
    /// How long the oldest undelivered delivery (callback or event) has existed.
    public var outboxAgeSeconds: Double = 0

    static let query: PostgresQuery = """
        WITH open AS (
            SELECT count(*) FILTER (WHERE state = 'reserved') AS reserved,
                   count(*) FILTER (WHERE state = 'submitted') AS submitted,
                   count(*) FILTER (WHERE state = 'processing') AS processing,
                   coalesce(sum(reserved_micros), 0)::bigint AS reserved_micros,
                   coalesce(extract(epoch FROM now() - (SELECT min(next_poll_at) FROM task_polls WHERE next_poll_at <= now())), 0)::float8 AS poll_lag
            FROM tasks WHERE ended_at IS NULL AND state IN \(unescaped: TaskState.openSQL)
        ), ended AS (
            SELECT count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE state = 'failed') AS failed,
                   count(*) FILTER (WHERE state = 'rejected') AS rejected,
                   count(*) FILTER (WHERE state = 'expired') AS expired
            FROM tasks WHERE ended_at > now() - interval '1 hour'
        ), outbox AS (
            SELECT count(*) AS backlog,
                   coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS lag,
                   coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
            FROM callback_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL
        )
        SELECT open.reserved, open.submitted, open.processing, open.reserved_micros, open.poll_lag,
               ended.succeeded, ended.failed, ended.rejected, ended.expired,
               outbox.backlog AS outbox_backlog, outbox.lag AS outbox_lag, outbox.age AS outbox_age
        FROM open, ended, outbox
        """

    /// Reads the gauges now.
    public static func read(_ pool: PostgresPool) async throws -> QueueGauges {
        let row = try await pool.queryFirst(query).expected("queue gauges")
        var open: [String: Int64] = [:]
        for state in ["reserved", "submitted", "processing"] { open[state] = try row.decode(Int64.self, state) }
        var ended: [String: Int64] = [:]
        for state in ["succeeded", "failed", "rejected", "expired"] { ended[state] = try row.decode(Int64.self, state) }
        return QueueGauges(
            open: open, openReservedMicros: try row.decode(Int64.self, "reserved_micros"),
            pollLagSeconds: try row.decode(Double.self, "poll_lag"), endedLastHour: ended,
            outboxBacklog: try row.decode(Int64.self, "outbox_backlog"), outboxLagSeconds: try row.decode(Double.self, "outbox_lag"),
            outboxAgeSeconds: try row.decode(Double.self, "outbox_age"))
    }
}
