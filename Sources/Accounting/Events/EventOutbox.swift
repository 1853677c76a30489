import Foundation
import Kling
import Postgres

/// Events are written in the transaction that causes them: the event row once, and one delivery row per
/// target (the tenant's `events_url`, each operator endpoint whose filter takes the type), in one
/// statement. Deliveries are sent by the same sender as task callbacks (docs/events.md).
public enum EventOutbox {
    /// Stores the event and fans it out. `onlyIfDelivered`: store it only when some target takes it
    /// (task.updated, written on every state change, is not kept for nobody). `data` gains `tenant_id`.
    /// `stampUpdatedAt`: the task's UPDATE is queued in the same round trip as the transaction's first
    /// write (`CallbackOutbox.Written.queuedAsFirstWrite`): stored only if it wrote, with its updated_at.
    static func emit(_ type: EventType, tenantID: UUID, taskID: UUID? = nil, data: [String: JSONValue], onlyIfDelivered: Bool = false,
                     stampUpdatedAt: Bool = false, on connection: PostgresConnection) async throws {
        var data = data
        data["tenant_id"] = .string(tenantID.text)
        let json = PostgresJSON(data: JSONValue.object(data).encodedData())
        // nothing is read back: it goes with the transaction's next round trip
        try await connection.later("""
            WITH targets AS (
                SELECT t.events_url AS url, NULL::uuid AS endpoint_id FROM tenants t WHERE t.id = \(tenantID) AND t.events_url IS NOT NULL
                UNION ALL
                SELECT w.url, w.id FROM webhook_endpoints w
                WHERE w.deleted_at IS NULL AND (w.events IS NULL OR w.events ? \(type.rawValue))
            ), event AS (
                INSERT INTO events (tenant_id, type, data)
                SELECT \(tenantID), \(type.rawValue),
                       \(json) || CASE WHEN \(stampUpdatedAt) THEN \(unescaped: CallbackOutbox.updatedAtNowSQL) ELSE '{}' END
                WHERE (NOT \(onlyIfDelivered) OR EXISTS (SELECT 1 FROM targets))
                  AND (NOT \(stampUpdatedAt) OR \(unescaped: CallbackOutbox.transactionWroteSQL))
                RETURNING id
            )
            INSERT INTO callback_outbox (tenant_id, task_id, url, kind, event_id, endpoint_id)
            SELECT \(tenantID), \(taskID), targets.url, 'event', event.id, targets.endpoint_id FROM event, targets
            """)
    }

    /// Any encodable value (snake-case keys, RFC 3339 times) as the fields of an event's data.
    static func fields(_ value: some Encodable) throws -> [String: JSONValue] {
        guard case .object(let fields) = try JSONValue.decode(try AuditLog.encoder.encode(value)) else { return [:] }
        return fields
    }
}
