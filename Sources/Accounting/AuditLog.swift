import Foundation
import Kling
import Postgres

/// One admin change as the audit log keeps it: who, what, and the resource before and after.
public struct AuditEntry: Sendable, Encodable {
    public var id: Int64
    public var actor: String
    public var action: String
    public var resourceType: String
    public var resourceID: String?
    public var before: JSONValue?
    public var after: JSONValue?
    public var createdAt: Date

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        actor = try row.decode(String.self, "actor")
        action = try row.decode(String.self, "action")
        resourceType = try row.decode(String.self, "resource_type")
        resourceID = try row.decode(String?.self, "resource_id")
        before = try row.decode(PostgresJSON?.self, "before").map { try JSONValue.decode($0.data) }
        after = try row.decode(PostgresJSON?.self, "after").map { try JSONValue.decode($0.data) }
        createdAt = try row.decode(Date.self, "created_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, actor, action, before, after
        case resourceType = "resource_type"
        case resourceID = "resource_id"
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(actor, forKey: .actor)
        try container.encode(action, forKey: .action)
        try container.encode(resourceType, forKey: .resourceType)
        try container.encode(resourceID, forKey: .resourceID)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// The audit log: every admin write adds a row in the same transaction as the change itself,
/// so a change and its record commit or vanish together. Resources are recorded as the API shows
/// them, which never includes a secret or its hash.
public struct AuditLog: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Snake-case keys and RFC 3339 times, like the API's own answers.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)))
        }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func record(
        actor: String, action: String, resourceType: String, resourceID: String?,
        before: (any Encodable)?, after: (any Encodable)?, on connection: PostgresConnection
    ) async throws {
        let beforeJSON = try before.map { PostgresJSON(data: try encoder.encode($0)) }
        let afterJSON = try after.map { PostgresJSON(data: try encoder.encode($0)) }
        try await connection.execute("""
            INSERT INTO audit_log (actor, action, resource_type, resource_id, before, after)
            VALUES (\(actor), \(action), \(resourceType), \(resourceID), \(beforeJSON), \(afterJSON))
            """)
    }

    /// Newest first; `cursor` is the `next_cursor` of the page before. `resourceID` narrows to one resource.
    public func list(limit: Int, cursor: Int64?, resourceID: String? = nil) async throws -> Page<AuditEntry> {
        let rows = try await pool.query("""
            SELECT id, actor, action, resource_type, resource_id, before, after, created_at
            FROM audit_log
            WHERE (\(resourceID)::text IS NULL OR resource_id = \(resourceID))
              AND (\(cursor)::bigint IS NULL
                   OR (created_at, id) < (SELECT created_at, id FROM audit_log WHERE id = \(cursor)))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit + 1)
            """)
        return Page(rows: try rows.map(AuditEntry.init(row:)), limit: limit) { String($0.id) }
    }
}
