import Foundation
import Postgres

/// A task with its billing, as the admin listing shows it (no request or result bodies).
public struct TaskSummary: Sendable, Encodable {
    public var id: UUID
    public var tenantID: UUID
    public var keyID: UUID
    public var endpoint: String
    public var model: String
    public var mode: String?
    public var resolution: String?
    public var state: TaskState
    /// The price book version the task was priced with, and the tenant's rate-card version (0: none).
    public var priceVersion: Int
    public var pricingVersion: Int
    public var billingState: String
    public var currency: String
    public var reservedMicros: Int64
    public var chargedMicros: Int64
    public var releasedMicros: Int64
    public var lateChargedMicros: Int64
    public var billableSeconds: Int?
    public var images: Int?
    public var externalTaskID: String?
    public var upstreamTaskID: String?
    public var createdAt: Date
    public var endedAt: Date?
    /// The channel that made the task and what it cost the operator; null until settlement (docs/channels.md).
    public var channelID: String?
    public var costMicros: Int64?

    static let columns: StaticString = """
        id, tenant_id, key_id, endpoint, model, mode, resolution, state, price_version, pricing_version, currency, reserved_micros,
        charged_micros, released_micros, late_charged_micros, billable_seconds, images, external_task_id, upstream_task_id, created_at, ended_at,
        channel_id, cost_micros,
        (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        tenantID = try row.decode(UUID.self, "tenant_id")
        keyID = try row.decode(UUID.self, "key_id")
        endpoint = try row.decode(String.self, "endpoint")
        model = try row.decode(String.self, "model")
        mode = try row.decode(String?.self, "mode")
        resolution = try row.decode(String?.self, "resolution")
        let stateText = try row.decode(String.self, "state")
        guard let state = TaskState(rawValue: stateText) else {
            throw PostgresError(.decoding, message: "unknown task state \(stateText)")
        }
        self.state = state
        priceVersion = try row.decode(Int.self, "price_version")
        pricingVersion = try row.decode(Int.self, "pricing_version")
        currency = try row.decode(String.self, "currency")
        reservedMicros = try row.decode(Int64.self, "reserved_micros")
        chargedMicros = try row.decode(Int64.self, "charged_micros")
        releasedMicros = try row.decode(Int64.self, "released_micros")
        lateChargedMicros = try row.decode(Int64.self, "late_charged_micros")
        billingState = state.billingState(chargedMicros: chargedMicros + lateChargedMicros)
        billableSeconds = try row.decode(Int?.self, "billable_seconds")
        images = try row.decode(Int?.self, "images")
        externalTaskID = try row.decode(String?.self, "external_task_id")
        upstreamTaskID = try row.decode(String?.self, "upstream_task_id")
        createdAt = try row.decode(Date.self, "created_at")
        endedAt = try row.decode(Date?.self, "ended_at")
        channelID = try row.decode(String?.self, "channel_id")
        costMicros = try row.decode(Int64?.self, "cost_micros")
    }

    enum CodingKeys: String, CodingKey {
        case id, tenantID, keyID, endpoint, model, mode, resolution, state, priceVersion, pricingVersion, billing, billingState, currency,
             reservedMicros, chargedMicros, releasedMicros, lateChargedMicros, billableSeconds, images, externalTaskID, upstreamTaskID,
             createdAt, endedAt, channelID, costMicros
    }

    /// Every field, absent ones as null, so that clients see one shape; ids in lower case, as the database writes them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.uuidString.lowercased(), forKey: .id)
        try c.encode(tenantID.uuidString.lowercased(), forKey: .tenantID)
        try c.encode(keyID.uuidString.lowercased(), forKey: .keyID)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(model, forKey: .model)
        try c.encode(mode, forKey: .mode)
        try c.encode(resolution, forKey: .resolution)
        try c.encode(state, forKey: .state)
        try c.encode(priceVersion, forKey: .priceVersion)
        try c.encode(pricingVersion, forKey: .pricingVersion)
        try c.encode(billing, forKey: .billing)
        try c.encode(billingState, forKey: .billingState)
        try c.encode(currency, forKey: .currency)
        try c.encode(reservedMicros, forKey: .reservedMicros)
        try c.encode(chargedMicros, forKey: .chargedMicros)
        try c.encode(releasedMicros, forKey: .releasedMicros)
        try c.encode(lateChargedMicros, forKey: .lateChargedMicros)
        try c.encode(billableSeconds, forKey: .billableSeconds)
        try c.encode(images, forKey: .images)
        try c.encode(externalTaskID, forKey: .externalTaskID)
        try c.encode(upstreamTaskID, forKey: .upstreamTaskID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(channelID, forKey: .channelID)
        try c.encode(costMicros, forKey: .costMicros)
    }
}

public struct TaskFilter: Sendable {
    public var tenantID: UUID?
    public var keyID: UUID?
    public var state: TaskState?
    /// created_at window, half-open; either end may be open.
    public var from: Date?
    public var to: Date?
    public var limit = 50
    public var cursor: ListingCursor?

    public init(tenantID: UUID? = nil, keyID: UUID? = nil, state: TaskState? = nil, from: Date? = nil, to: Date? = nil,
                limit: Int = 50, cursor: ListingCursor? = nil) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.state = state
        self.from = from
        self.to = to
        self.limit = limit
        self.cursor = cursor
    }
}

/// Tasks newest first, filtered, a page at a time by keyset cursor. Served by the indexes on
/// `(created_at, id)`, `(tenant_id, created_at, id)` and `(key_id, created_at, id)`.
public struct TaskListing: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public static func cursor(_ text: String) throws(InvalidCursor) -> ListingCursor {
        try ListingCursor(encoded: text) { UUID(uuidString: $0) != nil }
    }

    /// One task, the same shape as a listing's item; nil when there is none.
    public func task(id: UUID) async throws -> TaskSummary? {
        try await pool.queryFirst("SELECT \(unescaped: TaskSummary.columns) FROM tasks WHERE id = \(id)").map(TaskSummary.init(row:))
    }

    public func page(_ filter: TaskFilter) async throws -> ListingPage<TaskSummary> {
        precondition(Listing.limits.contains(filter.limit), "limit \(filter.limit) outside \(Listing.limits)")
        var query: PostgresQuery = "SELECT \(unescaped: TaskSummary.columns) FROM tasks WHERE true"
        if let tenantID = filter.tenantID { query = query + " AND tenant_id = \(tenantID)" }
        if let keyID = filter.keyID { query = query + " AND key_id = \(keyID)" }
        if let state = filter.state { query = query + " AND state = \(state.rawValue)" }
        if let from = filter.from { query = query + " AND created_at >= \(from)" }
        if let to = filter.to { query = query + " AND created_at < \(to)" }
        if let cursor = filter.cursor {
            // exact to the microsecond up to the year 2255 (the product is computed in a double)
            query = query + """
                 AND (created_at, id) < (timestamptz 'epoch' + \(cursor.createdAtMicros) * interval '1 microsecond', \(cursor.id)::uuid)
                """
        }
        query = query + " ORDER BY created_at DESC, id DESC LIMIT \(filter.limit + 1)"
        let rows = try await pool.query(query).map { row in
            PositionedItem(item: try TaskSummary(row: row), createdAtMicros: try row.decode(Int64.self, "created_at_micros"),
                           id: try row.decode(String.self, "id"))
        }
        return Listing.page(rows, limit: filter.limit)
    }
}
