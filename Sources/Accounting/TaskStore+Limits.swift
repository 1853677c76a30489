import Foundation
import Postgres

extension TaskStore {
    /// Requests per minute (tasks created in the last 60 s) and concurrent open tasks, for key and tenant,
    /// counted from the tasks themselves: no counter to leak, no window to reset. Only what a limit
    /// needs is counted: a tenant and key with no rate or concurrency limit and no external_task_id
    /// cost no statement at all, and each count runs only when its limit is set (a CASE branch not
    /// taken never runs its subquery).
    static func checkRatesAndConcurrency(_ request: ReservationRequest, tenant: PostgresRow, key: PostgresRow,
                                         on connection: PostgresConnection) async throws {
        let tenantID = request.key.tenantID
        let keyID = request.key.keyID
        let keyRate = try key.decode(Int64?.self, "rpm_limit")
        let tenantRate = try tenant.decode(Int64?.self, "rpm_limit")
        let keyOpen = try key.decode(Int64?.self, "max_concurrent_tasks")
        let tenantOpen = try tenant.decode(Int64?.self, "max_concurrent_tasks")
        let external = request.externalTaskID
        guard keyRate != nil || tenantRate != nil || keyOpen != nil || tenantOpen != nil || external != nil else { return }
        guard let counts = try await connection.queryFirst("""
            SELECT
              CASE WHEN \(keyRate != nil) THEN (SELECT count(*) FROM tasks WHERE key_id = \(keyID) AND created_at > now() - interval '1 minute') END AS key_recent,
              CASE WHEN \(tenantRate != nil) THEN (SELECT count(*) FROM tasks WHERE tenant_id = \(tenantID) AND created_at > now() - interval '1 minute') END AS tenant_recent,
              CASE WHEN \(keyRate != nil) THEN (SELECT ceil(extract(epoch FROM min(created_at) + interval '1 minute' - now()))::bigint FROM tasks
                WHERE key_id = \(keyID) AND created_at > now() - interval '1 minute') END AS key_wait,
              CASE WHEN \(tenantRate != nil) THEN (SELECT ceil(extract(epoch FROM min(created_at) + interval '1 minute' - now()))::bigint FROM tasks
                WHERE tenant_id = \(tenantID) AND created_at > now() - interval '1 minute') END AS tenant_wait,
              CASE WHEN \(keyOpen != nil) THEN (SELECT count(*) FROM tasks WHERE key_id = \(keyID) AND ended_at IS NULL AND state IN ('reserved', 'submitted', 'processing')) END AS key_open,
              CASE WHEN \(tenantOpen != nil) THEN (SELECT count(*) FROM tasks WHERE tenant_id = \(tenantID) AND ended_at IS NULL AND state IN ('reserved', 'submitted', 'processing')) END AS tenant_open,
              CASE WHEN \(external != nil) THEN EXISTS (SELECT 1 FROM tasks WHERE tenant_id = \(tenantID) AND external_task_id = \(external)) ELSE false END AS duplicate
            """) else { return }
        if try counts.decode(Bool.self, "duplicate") { throw ReservationRefusal.duplicateExternalTaskID }
        if let limit = keyRate, try counts.decode(Int64?.self, "key_recent") ?? 0 >= limit {
            throw ReservationRefusal.rateLimited(retryAfterSeconds: Int(max(1, try counts.decode(Int64?.self, "key_wait") ?? 1)))
        }
        if let limit = tenantRate, try counts.decode(Int64?.self, "tenant_recent") ?? 0 >= limit {
            throw ReservationRefusal.rateLimited(retryAfterSeconds: Int(max(1, try counts.decode(Int64?.self, "tenant_wait") ?? 1)))
        }
        if let limit = keyOpen, try counts.decode(Int64?.self, "key_open") ?? 0 >= limit {
            throw ReservationRefusal.concurrencyLimited("key")
        }
        if let limit = tenantOpen, try counts.decode(Int64?.self, "tenant_open") ?? 0 >= limit {
            throw ReservationRefusal.concurrencyLimited("tenant")
        }
    }
}
