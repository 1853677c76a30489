import Foundation
import Postgres

/// Filters of `GET /admin/v1/events`; `from`/`to` are half-open on the event's time.
public struct EventFilter: Sendable {
    public var tenantID: UUID?
    public var type: EventType?
    public var from: Date?
    public var to: Date?

    public init(tenantID: UUID? = nil, type: EventType? = nil, from: Date? = nil, to: Date? = nil) {
        self.tenantID = tenantID
        self.type = type
        self.from = from
        self.to = to
    }
}

/// Reads events with their deliveries; and rotates tenants' webhook secrets.
public struct EventStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Newest first; `cursor` is the id of the last event of the page before.
    public func list(_ filter: EventFilter, limit: Int, cursor: UUID?) async throws -> Page<EventRecord> {
        try await pool.withConnection { connection -> Page<EventRecord> in
            var events = try await connection.query("""
                SELECT id, tenant_id, type, data, created_at FROM events
                WHERE (\(filter.tenantID)::uuid IS NULL OR tenant_id = \(filter.tenantID))
                  AND (\(filter.type?.rawValue)::text IS NULL OR type = \(filter.type?.rawValue))
                  AND (\(filter.from)::timestamptz IS NULL OR created_at >= \(filter.from))
                  AND (\(filter.to)::timestamptz IS NULL OR created_at < \(filter.to))
                  AND (\(cursor)::uuid IS NULL OR seq < (SELECT seq FROM events WHERE id = \(cursor)))
                ORDER BY seq DESC
                LIMIT \(limit + 1)
                """).map(EventRecord.init(row:))
            let ids = "{" + events.map(\.id.text).joined(separator: ",") + "}"
            let rows = try await connection.query("""
                SELECT id, kind, event_id, endpoint_id, url, attempts, last_status, last_error, next_attempt_at, delivered_at, gave_up_at
                FROM callback_outbox WHERE event_id = ANY(\(ids)::uuid[]) ORDER BY id
                """)
            var byEvent: [UUID: [EventDelivery]] = [:]
            for row in rows {
                let delivery = EventDelivery(delivery: try DeliveryRecord(row: row), endpointID: try row.decode(UUID?.self, "endpoint_id"))
                byEvent[try row.decode(UUID.self, "event_id"), default: []].append(delivery)
            }
            for index in events.indices { events[index].deliveries = byEvent[events[index].id] ?? [] }
            return Page(rows: events, limit: limit) { $0.id.text }
        }
    }

    /// Whether `id` is an event (a cursor that names none is refused).
    public func exists(_ id: UUID) async throws -> Bool {
        try await pool.queryFirst("SELECT 1 AS one FROM events WHERE id = \(id)") != nil
    }

    /// A new webhook secret for the tenant; the old one keeps signing beside it for 24 h. Audited
    /// without either secret. nil: no such tenant.
    public func rotateWebhookSecret(tenantID: UUID, actor: String) async throws -> (secret: String, previousUntil: Date)? {
        let secret = WebhookSecret.generate()
        return try await pool.transaction { connection -> (secret: String, previousUntil: Date)? in
            guard let row = try await connection.queryFirst("""
                UPDATE tenants SET previous_webhook_secret = webhook_secret, previous_webhook_secret_until = now() + interval '24 hours',
                       webhook_secret = \(secret), updated_at = now()
                WHERE id = \(tenantID)
                RETURNING previous_webhook_secret_until
                """) else { return nil }
            let until = try row.decode(Date.self, "previous_webhook_secret_until")
            try await AuditLog.record(actor: actor, action: "tenant.webhook_secret.rotate", resourceType: "tenant", resourceID: tenantID.text,
                                      before: nil, after: ["previous_secret_valid_until": until], on: connection)
            return (secret, until)
        }
    }
}
