import Foundation
import Postgres

/// Tenant callbacks are written here in the transaction of the state change they announce, and sent
/// later by the delivery service, so a callback is never lost when a process stops. The same state
/// change is the `task.updated` event for the tenant's events_url and the operator endpoints.
public enum CallbackOutbox {
    /// Queues the task's current state for its callback URL (the task's own, else the tenant's), if any,
    /// and as a `task.updated` event.
    static func enqueue(_ task: TaskRecord, on connection: PostgresConnection) async throws {
        let payload = PostgresJSON(data: task.klingData().encodedData())
        try await connection.later("""
            INSERT INTO callback_outbox (tenant_id, task_id, url, payload)
            SELECT t.id, \(task.id), COALESCE(\(task.callbackURL), t.callback_url), \(payload)
            FROM tenants t
            WHERE t.id = \(task.tenantID) AND COALESCE(\(task.callbackURL), t.callback_url) IS NOT NULL
            """)
        if case .object(let data) = task.klingData() {
            try await EventOutbox.emit(.taskUpdated, tenantID: task.tenantID, taskID: task.id, data: data, onlyIfDelivered: true, on: connection)
        }
    }
}
