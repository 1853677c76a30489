import Foundation
import Postgres

/// The outbox as a job queue: leased with a lease time, in order per task, fairly across tenants and
/// targets, with bounded retries (docs/security.md, "Callbacks").
public struct CallbackOutboxStore: Sendable {
    public let pool: PostgresPool
    /// After this many failed attempts a callback is given up (and stays listed with its last error).
    public let maxAttempts: Int
    public static let defaultMaxAttempts = 8

    public init(pool: PostgresPool, maxAttempts: Int = CallbackOutboxStore.defaultMaxAttempts) {
        self.pool = pool
        self.maxAttempts = maxAttempts
    }

    /// Leases up to `limit` due callbacks. A tenant never has more than `perTenant` in flight, a target
    /// URL never more than `perTarget` (counting leases held by every process), and each tenant's
    /// oldest due callback comes before any tenant's second: one tenant's dead receiver holds back only
    /// its own callbacks.
    public func leaseDue(limit: Int, leaseSeconds: Int, perTenant: Int = 4, perTarget: Int = 2) async throws -> [CallbackDelivery] {
        guard limit > 0 else { return [] }
        return try await pool.query("""
            WITH inflight AS (
                SELECT tenant_id, url FROM callback_outbox
                WHERE delivered_at IS NULL AND gave_up_at IS NULL AND lease_until IS NOT NULL AND lease_until >= now()
            ), due AS (
                SELECT c.id, c.tenant_id, c.url, c.next_attempt_at,
                       row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.next_attempt_at, c.id) AS tenant_rank,
                       row_number() OVER (PARTITION BY c.url ORDER BY c.next_attempt_at, c.id) AS target_rank
                FROM callback_outbox c
                WHERE c.delivered_at IS NULL AND c.gave_up_at IS NULL AND c.next_attempt_at <= now()
                  AND (c.lease_until IS NULL OR c.lease_until < now())
                  AND NOT EXISTS (SELECT 1 FROM callback_outbox e
                                  WHERE e.task_id = c.task_id AND e.url = c.url AND e.id < c.id
                                    AND e.delivered_at IS NULL AND e.gave_up_at IS NULL)
            ), picked AS (
                SELECT d.id FROM due d
                WHERE d.tenant_rank + (SELECT count(*) FROM inflight i WHERE i.tenant_id = d.tenant_id) <= \(perTenant)
                  AND d.target_rank + (SELECT count(*) FROM inflight i WHERE i.url = d.url) <= \(perTarget)
                ORDER BY d.tenant_rank, d.next_attempt_at, d.id
                LIMIT \(limit)
            )
            UPDATE callback_outbox o SET lease_until = now() + make_interval(secs => \(leaseSeconds)), attempts = o.attempts + 1
            FROM tenants t
            WHERE t.id = o.tenant_id AND o.id IN (SELECT id FROM picked)
              AND o.delivered_at IS NULL AND o.gave_up_at IS NULL AND (o.lease_until IS NULL OR o.lease_until < now())
            RETURNING o.id, o.task_id, o.tenant_id, o.url, o.kind, o.message_id, o.attempts,
                      COALESCE(o.payload, (\(unescaped: Self.eventBody))) AS payload,
                      CASE WHEN o.endpoint_id IS NULL THEN t.webhook_secret
                           ELSE (SELECT w.secret FROM webhook_endpoints w WHERE w.id = o.endpoint_id) END AS secret,
                      CASE WHEN o.endpoint_id IS NULL AND t.previous_webhook_secret_until > now() THEN t.previous_webhook_secret END
                          AS previous_secret
            """).map(CallbackDelivery.init(row:))
    }

    /// An event delivery's body, from its event row: `{"type","timestamp","data"}` (docs/events.md).
    static let eventBody: StaticString = """
        SELECT jsonb_build_object('type', e.type, 'data', e.data,
                                  'timestamp', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        FROM events e WHERE e.id = o.event_id
        """

    public func markDelivered(_ id: Int64, status: Int) async throws {
        try await pool.execute("""
            UPDATE callback_outbox SET delivered_at = now(), lease_until = NULL, last_error = NULL, last_status = \(status) WHERE id = \(id)
            """)
    }

    /// Schedules another attempt after a jittered exponential backoff, or gives up after `maxAttempts`
    /// (or at once when `permanent`). Returns whether it gave up.
    @discardableResult
    public func markFailed(_ id: Int64, attempts: Int, status: Int? = nil, error: String, permanent: Bool = false) async throws -> Bool {
        let giveUp = permanent || attempts >= maxAttempts
        let delay = Self.backoffSeconds(afterAttempt: attempts)
        try await pool.execute("""
            UPDATE callback_outbox
            SET lease_until = NULL, last_error = \(String(error.prefix(500))), last_status = \(status),
                next_attempt_at = CASE WHEN \(giveUp) THEN next_attempt_at ELSE now() + make_interval(secs => \(delay)) END,
                gave_up_at = CASE WHEN \(giveUp) THEN now() ELSE NULL END
            WHERE id = \(id)
            """)
        return giveUp
    }

    /// 5 s doubling per attempt, at most an hour, drawn from the upper half so that retries spread.
    public static func backoffSeconds(afterAttempt attempts: Int) -> Double {
        let base = min(3600.0, 5.0 * Double(1 << min(max(attempts - 1, 0), 10)))
        return Double.random(in: (base / 2)...base)
    }

    /// Undelivered callbacks waiting (for metrics).
    public func backlog() async throws -> Int64 {
        try await pool.queryFirst("SELECT count(*) AS n FROM callback_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL")?.decode(Int64.self, "n") ?? 0
    }
}
