import Foundation
import Postgres
import Pricing

/// Tenants' rate cards, versioned: a PUT or DELETE adds the tenant's next version, never changes one.
public struct RateCardStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let columns: StaticString = "tenant_id, version, multiplier, video, image, created_at"

    /// The tenant's card in force (version 0 when none was ever set). nil: no such tenant.
    public func current(tenantID: UUID) async throws -> RateCard? {
        try await pool.withConnection { connection -> RateCard? in
            guard try await connection.queryFirst("SELECT 1 AS one FROM tenants WHERE id = \(tenantID)") != nil else { return nil }
            return try await Self.latest(tenantID, on: connection) ?? .none(tenantID)
        }
    }

    /// The book a task of this tenant is priced at now, and the card version that made it from `book`.
    /// `known` is the card's latest version when the caller read it already (0: none; `AuthenticatedKey`):
    /// then no round trip when there is no card, or when that version is cached (versions never change).
    public func effectiveBook(tenantID: UUID, book: PriceBook, known: Int? = nil) async throws -> (pricingVersion: Int, book: PriceBook) {
        if known == 0 { return (0, book) }
        let cached = await Self.cache.card(tenantID, database: pool.url)
        let card: RateCard
        if let cached, let known, cached.version == known {
            card = cached
        } else {
            guard let latest = try await pool.withConnection({ try await Self.latest(tenantID, on: $0) }) else { return (0, book) }
            await Self.cache.store(latest, database: pool.url)
            card = latest
        }
        return (card.version, try card.adjustment.applied(to: book))
    }

    private static let cache = RateCardCache()

    /// Stores `adjustment` (validated by the caller) as the tenant's next version. nil: no such tenant.
    public func put(tenantID: UUID, _ adjustment: PriceAdjustment, actor: String) async throws -> RateCard? {
        let video = try PostgresJSON(encoding: adjustment.video)
        let image = try PostgresJSON(encoding: adjustment.image)
        return try await pool.transaction { connection -> RateCard? in
            // the tenant lock gives two PUTs at once distinct versions
            guard try await connection.queryFirst("SELECT 1 AS one FROM tenants WHERE id = \(tenantID) FOR UPDATE") != nil else { return nil }
            let before = try await Self.latest(tenantID, on: connection) ?? .none(tenantID)
            let row = try await connection.queryFirst("""
                INSERT INTO rate_cards (tenant_id, version, multiplier, video, image, created_by)
                VALUES (\(tenantID), \(before.version + 1), \(adjustment.multiplier), \(video), \(image), \(actor))
                RETURNING \(unescaped: Self.columns)
                """).expected("rate card insert")
            let card = try RateCard(row: row)
            try await AuditLog.record(actor: actor, action: "tenant.pricing", resourceType: "tenant",
                                      resourceID: tenantID.text, before: before, after: card, on: connection)
            return card
        }
    }

    static func latest(_ tenantID: UUID, on connection: PostgresConnection) async throws -> RateCard? {
        try await connection.queryFirst("""
            SELECT \(unescaped: columns) FROM rate_cards WHERE tenant_id = \(tenantID) ORDER BY version DESC LIMIT 1
            """).map(RateCard.init(row:))
    }
}

/// The latest card read per tenant (a version never changes once written), bounded; re-read on demand.
actor RateCardCache {
    private var cards: [String: RateCard] = [:]
    func card(_ tenantID: UUID, database: String) -> RateCard? { cards["\(database)#\(tenantID)"] }
    func store(_ card: RateCard, database: String) {
        if cards.count > 10_000 { cards.removeAll() }
        cards["\(database)#\(card.tenantID)"] = card
    }
}
