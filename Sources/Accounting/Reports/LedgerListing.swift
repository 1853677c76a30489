import Foundation
import Postgres

/// One ledger row as the admin listing shows it.
public struct LedgerRecord: Sendable, Encodable {
    public var id: Int64
    public var tenantID: UUID
    public var keyID: UUID?
    public var taskID: UUID?
    public var kind: String
    public var amountMicros: Int64
    public var reason: String?
    public var idempotencyKey: String?
    public var actor: String?
    /// The grant a grant, grant_expire or grant_void row moves.
    public var grantID: UUID?
    public var createdAt: Date

    static let columns: StaticString = """
        id, tenant_id, key_id, task_id, kind, amount_micros, reason, idempotency_key, actor, grant_id, created_at,
        (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        tenantID = try row.decode(UUID.self, "tenant_id")
        keyID = try row.decode(UUID?.self, "key_id")
        taskID = try row.decode(UUID?.self, "task_id")
        kind = try row.decode(String.self, "kind")
        amountMicros = try row.decode(Int64.self, "amount_micros")
        reason = try row.decode(String?.self, "reason")
        idempotencyKey = try row.decode(String?.self, "idempotency_key")
        actor = try row.decode(String?.self, "actor")
        grantID = try row.decode(UUID?.self, "grant_id")
        createdAt = try row.decode(Date.self, "created_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, tenantID, keyID, taskID, kind, amountMicros, reason, idempotencyKey, actor, grantID, createdAt
    }

    /// Every field, absent ones as null; ids in lower case, as the database writes them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(tenantID.uuidString.lowercased(), forKey: .tenantID)
        try c.encode(keyID?.uuidString.lowercased(), forKey: .keyID)
        try c.encode(taskID?.uuidString.lowercased(), forKey: .taskID)
        try c.encode(kind, forKey: .kind)
        try c.encode(amountMicros, forKey: .amountMicros)
        try c.encode(reason, forKey: .reason)
        try c.encode(idempotencyKey, forKey: .idempotencyKey)
        try c.encode(actor, forKey: .actor)
        try c.encode(grantID?.uuidString.lowercased(), forKey: .grantID)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

public struct LedgerFilter: Sendable {
    public var tenantID: UUID
    public var kind: LedgerKind?
    /// created_at window, half-open; either end may be open.
    public var from: Date?
    public var to: Date?
    public var limit = 50
    public var cursor: ListingCursor?

    public init(tenantID: UUID, kind: LedgerKind? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 50, cursor: ListingCursor? = nil) {
        self.tenantID = tenantID
        self.kind = kind
        self.from = from
        self.to = to
        self.limit = limit
        self.cursor = cursor
    }
}

/// A tenant's ledger newest first, a page at a time by keyset cursor, on the `(tenant_id, created_at, id)` index.
public struct LedgerListing: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public static func cursor(_ text: String) throws(InvalidCursor) -> ListingCursor {
        try ListingCursor(encoded: text) { Int64($0) != nil }
    }

    /// nil when there is no such tenant (an empty page means a tenant with no entries in the window).
    public func page(_ filter: LedgerFilter) async throws -> ListingPage<LedgerRecord>? {
        precondition(Listing.limits.contains(filter.limit), "limit \(filter.limit) outside \(Listing.limits)")
        guard try await pool.queryFirst("SELECT 1 AS found FROM tenants WHERE id = \(filter.tenantID)") != nil else { return nil }
        var query: PostgresQuery = "SELECT \(unescaped: LedgerRecord.columns) FROM ledger_entries WHERE tenant_id = \(filter.tenantID)"
        if let kind = filter.kind { query = query + " AND kind = \(kind.rawValue)" }
        if let from = filter.from { query = query + " AND created_at >= \(from)" }
        if let to = filter.to { query = query + " AND created_at < \(to)" }
        if let cursor = filter.cursor, let id = Int64(cursor.id) {
            query = query + """
                 AND (created_at, id) < (timestamptz 'epoch' + \(cursor.createdAtMicros) * interval '1 microsecond', \(id))
                """
        }
        query = query + " ORDER BY created_at DESC, id DESC LIMIT \(filter.limit + 1)"
        let rows = try await pool.query(query).map { row in
            PositionedItem(item: try LedgerRecord(row: row), createdAtMicros: try row.decode(Int64.self, "created_at_micros"),
                           id: try row.decode(String.self, "id"))
        }
        return Listing.page(rows, limit: filter.limit)
    }
}
