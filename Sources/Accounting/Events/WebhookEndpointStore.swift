import Foundation
import Postgres

/// Operator webhook endpoints: registered, listed, read and deleted by admins, each change audited in
/// its transaction (never with the secret). A deleted endpoint gets no new deliveries; those already
/// written are still sent and stay listed with their events.
public struct WebhookEndpointStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The endpoint and its secret (shown this once).
    public func create(url: String, events: [EventType]?, actor: String) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        let secret = WebhookSecret.generate()
        let filter = try events.map { try PostgresJSON(encoding: $0) }
        return try await pool.transaction { connection in
            let row = try await connection.queryFirst("""
                INSERT INTO webhook_endpoints (url, events, secret, created_by) VALUES (\(url), \(filter), \(secret), \(actor))
                RETURNING \(unescaped: WebhookEndpoint.columns)
                """).expected("webhook endpoint insert")
            let endpoint = try WebhookEndpoint(row: row)
            try await AuditLog.record(actor: actor, action: "webhook_endpoint.create", resourceType: "webhook_endpoint",
                                      resourceID: endpoint.id.text, before: nil, after: endpoint, on: connection)
            return (endpoint, secret)
        }
    }

    /// The endpoints not deleted, oldest first.
    public func list() async throws -> [WebhookEndpoint] {
        try await pool.query("""
            SELECT \(unescaped: WebhookEndpoint.columns) FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id LIMIT 1000
            """).map(WebhookEndpoint.init(row:))
    }

    public func get(_ id: UUID) async throws -> WebhookEndpoint? {
        try await pool.queryFirst("""
            SELECT \(unescaped: WebhookEndpoint.columns) FROM webhook_endpoints WHERE id = \(id) AND deleted_at IS NULL
            """).map(WebhookEndpoint.init(row:))
    }

    /// nil: no such endpoint (or deleted already).
    public func delete(_ id: UUID, actor: String) async throws -> WebhookEndpoint? {
        try await pool.transaction { connection -> WebhookEndpoint? in
            guard let row = try await connection.queryFirst("""
                UPDATE webhook_endpoints SET deleted_at = now() WHERE id = \(id) AND deleted_at IS NULL
                RETURNING \(unescaped: WebhookEndpoint.columns)
                """) else { return nil }
            let endpoint = try WebhookEndpoint(row: row)
            try await AuditLog.record(actor: actor, action: "webhook_endpoint.delete", resourceType: "webhook_endpoint",
                                      resourceID: id.text, before: nil, after: endpoint, on: connection)
            return endpoint
        }
    }
}
