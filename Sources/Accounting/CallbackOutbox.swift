import Foundation
import Kling
import Postgres

/// Tenant callbacks are written here in the transaction of the state change they announce, and sent
/// later by the delivery service, so a callback is never lost when a process stops. The same state
/// change is the `task.updated` event for the tenant's events_url and the operator endpoints.
public enum CallbackOutbox {
    /// How the announced task row stands when its callback is queued.
    enum Written: Sendable {
        /// Its change is in the database already (the update was answered).
        case answered
        /// Its UPDATE is queued in this same round trip, as the transaction's first write, and may match
        /// nothing. The callback and event are then written only if the transaction wrote something (it
        /// has a transaction id), and their `updated_at` is the one that update writes: the transaction's
        /// now(). This is what lets `markSubmitted` be one round trip.
        case queuedAsFirstWrite
    }

    /// True once the transaction has written a row (it then has a transaction id): the guard of what
    /// follows an UPDATE queued as its first write.
    static let transactionWroteSQL: StaticString = "pg_current_xact_id_if_assigned() IS NOT NULL"
    /// `updated_at` as such an UPDATE writes it (the transaction's now()), in `klingData`'s epoch milliseconds.
    static let updatedAtNowSQL: StaticString = "jsonb_build_object('updated_at', floor(extract(epoch FROM now()) * 1000)::bigint)"

    /// Queues the task's current state for its callback URL (the task's own, else the tenant's), if any,
    /// and as a `task.updated` event. The Kling object is built once, for both.
    static func enqueue(_ task: TaskRecord, written: Written = .answered, on connection: PostgresConnection) async throws {
        guard case .object(let data) = task.klingData() else { return }
        let payload = PostgresJSON(data: JSONValue.object(data).encodedData())
        let queued = written == .queuedAsFirstWrite
        try await connection.later("""
            INSERT INTO callback_outbox (tenant_id, task_id, url, payload)
            SELECT t.id, \(task.id), COALESCE(\(task.callbackURL), t.callback_url),
                   \(payload) || CASE WHEN \(queued) THEN \(unescaped: updatedAtNowSQL) ELSE '{}' END
            FROM tenants t
            WHERE t.id = \(task.tenantID) AND COALESCE(\(task.callbackURL), t.callback_url) IS NOT NULL
              AND (NOT \(queued) OR \(unescaped: transactionWroteSQL))
            """)
        try await EventOutbox.emit(.taskUpdated, tenantID: task.tenantID, taskID: task.id, data: data, onlyIfDelivered: true,
                                   stampUpdatedAt: queued, on: connection)
    }
}
