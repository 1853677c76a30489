import Foundation
import Postgres

/// Tenant callbacks are written here in the transaction of the state change they announce, and sent
/// later by the delivery service, so a callback is never lost when a process stops.
public enum CallbackOutbox {
    /// Queues the task's current state for its callback URL (the task's own, else the tenant's), if any.
    static func enqueue(_ task: TaskRecord, on connection: PostgresConnection) async throws {
        let payload = PostgresJSON(data: task.klingData().encodedData())
        try await connection.execute("""
            INSERT INTO callback_outbox (tenant_id, task_id, url, payload)
            SELECT t.id, \(task.id), COALESCE(\(task.callbackURL), t.callback_url), \(payload)
            FROM tenants t
            WHERE t.id = \(task.tenantID) AND COALESCE(\(task.callbackURL), t.callback_url) IS NOT NULL
            """)
    }
}

/// One callback to send, leased to this process.
public struct CallbackDelivery: Sendable {
    public var id: Int64
    public var taskID: UUID
    public var url: String
    public var payload: PostgresJSON
    public var attempts: Int
    public var secret: String
}

/// The outbox as a job queue: leased with SKIP LOCKED, in order per task, with bounded retries.
public struct CallbackOutboxStore: Sendable {
    public let pool: PostgresPool
    /// After this many failed attempts a callback is given up (and stays visible with its last error).
    public static let maxAttempts = 12

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func leaseDue(limit: Int, leaseSeconds: Int) async throws -> [CallbackDelivery] {
        try await pool.query("""
            UPDATE callback_outbox o SET lease_until = now() + make_interval(secs => \(leaseSeconds)), attempts = o.attempts + 1
            FROM tenants t
            WHERE t.id = o.tenant_id AND o.id IN (
                SELECT c.id FROM callback_outbox c
                WHERE c.delivered_at IS NULL AND c.gave_up_at IS NULL AND c.next_attempt_at <= now()
                  AND (c.lease_until IS NULL OR c.lease_until < now())
                  AND NOT EXISTS (SELECT 1 FROM callback_outbox e
                                  WHERE e.task_id = c.task_id AND e.id < c.id AND e.delivered_at IS NULL AND e.gave_up_at IS NULL)
                ORDER BY c.id
                LIMIT \(limit)
                FOR UPDATE OF c SKIP LOCKED)
            RETURNING o.id, o.task_id, o.url, o.payload, o.attempts, t.webhook_secret
            """).map { row in
                CallbackDelivery(id: try row.decode(Int64.self, "id"), taskID: try row.decode(UUID.self, "task_id"),
                                 url: try row.decode(String.self, "url"), payload: try row.decode(PostgresJSON.self, "payload"),
                                 attempts: try row.decode(Int.self, "attempts"), secret: try row.decode(String.self, "webhook_secret"))
            }
    }

    public func markDelivered(_ id: Int64) async throws {
        try await pool.execute("UPDATE callback_outbox SET delivered_at = now(), lease_until = NULL, last_error = NULL WHERE id = \(id)")
    }

    /// Schedules another attempt with exponential backoff (2^attempts s, at most an hour), or gives up.
    public func markFailed(_ id: Int64, attempts: Int, error: String, permanent: Bool = false) async throws {
        let giveUp = permanent || attempts >= Self.maxAttempts
        let delay = min(3600, 1 << min(attempts, 12))
        try await pool.execute("""
            UPDATE callback_outbox
            SET lease_until = NULL, last_error = \(String(error.prefix(500))),
                next_attempt_at = now() + make_interval(secs => \(delay)),
                gave_up_at = CASE WHEN \(giveUp) THEN now() ELSE NULL END
            WHERE id = \(id)
            """)
    }

    /// Undelivered callbacks waiting (for metrics).
    public func backlog() async throws -> Int64 {
        try await pool.queryFirst("SELECT count(*) AS n FROM callback_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL")?.decode(Int64.self, "n") ?? 0
    }
}
