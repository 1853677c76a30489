import Foundation
import Postgres

/// A delivery as `GET /admin/v1/tenants/{id}/deliveries` lists it.
public struct DeliveryRecord: Sendable, Encodable {
    public var id: Int64
    /// `callback` (a task's callback_url) or `event` (the tenant's events_url).
    public var kind: String
    public var url: String
    public var state: String
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var nextAttemptAt: Date?
    public var deliveredAt: Date?
    public var eventID: UUID?

    enum CodingKeys: String, CodingKey {
        case id, kind, url, state, attempts
        case eventID = "event_id"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case nextAttemptAt = "next_attempt_at"
        case deliveredAt = "delivered_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(id), forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(url, forKey: .url)
        try container.encode(state, forKey: .state)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(lastStatus, forKey: .lastStatus)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(deliveredAt, forKey: .deliveredAt)
        if let eventID { try container.encode(eventID.text, forKey: .eventID) }
    }

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        kind = try row.decode(String.self, "kind")
        eventID = try row.decode(UUID?.self, "event_id")
        url = try row.decode(String.self, "url")
        attempts = try row.decode(Int.self, "attempts")
        lastStatus = try row.decode(Int?.self, "last_status")
        lastError = try row.decode(String?.self, "last_error")
        deliveredAt = try row.decode(Date?.self, "delivered_at")
        let gaveUp = try row.decode(Date?.self, "gave_up_at")
        state = deliveredAt != nil ? "delivered" : (gaveUp != nil ? "given_up" : "pending")
        if state == "pending" {
            nextAttemptAt = try row.decode(Date.self, "next_attempt_at")
        } else {
            nextAttemptAt = nil
        }
    }
}

/// What `retry` found.
public enum DeliveryRetry: Sendable, Equatable {
    case madeDue
    case alreadyDelivered
    case notFound
}

extension CallbackOutboxStore {
    /// The tenant's deliveries (callbacks, and events to its events_url; operator endpoints' deliveries are
    /// listed with their events), newest first; nil when there is no such tenant. `cursor` is a delivery id.
    public func list(tenantID: UUID, limit: Int, before cursor: Int64?) async throws -> Page<DeliveryRecord>? {
        try await pool.withConnection { connection -> Page<DeliveryRecord>? in
            guard try await connection.queryFirst("SELECT 1 AS one FROM tenants WHERE id = \(tenantID)") != nil else { return nil }
            let rows = try await connection.query("""
                SELECT id, kind, event_id, url, attempts, last_status, last_error, next_attempt_at, delivered_at, gave_up_at
                FROM callback_outbox
                WHERE tenant_id = \(tenantID) AND endpoint_id IS NULL AND (\(cursor)::bigint IS NULL OR id < \(cursor))
                ORDER BY id DESC
                LIMIT \(limit + 1)
                """)
            return Page(rows: try rows.map(DeliveryRecord.init(row:)), limit: limit) { String($0.id) }
        }
    }

    /// Makes a pending or given-up delivery due now, with a fresh count of attempts.
    public func retry(_ id: Int64) async throws -> DeliveryRetry {
        guard let row = try await pool.queryFirst("""
            WITH target AS (SELECT id, delivered_at FROM callback_outbox WHERE id = \(id) FOR UPDATE),
            changed AS (
                UPDATE callback_outbox o SET gave_up_at = NULL, next_attempt_at = now(), attempts = 0, lease_until = NULL
                FROM target WHERE o.id = target.id AND target.delivered_at IS NULL
                RETURNING o.id
            )
            SELECT (SELECT delivered_at IS NOT NULL FROM target) AS delivered, (SELECT count(*) FROM changed) AS changed
            """), let delivered = try row.decode(Bool?.self, "delivered") else { return .notFound }
        return delivered ? .alreadyDelivered : .madeDue
    }
}
