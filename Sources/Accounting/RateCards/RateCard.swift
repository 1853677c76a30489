import Foundation
import Postgres
import Pricing

/// One version of a tenant's rate card: `{"tenant_id","version","multiplier","video","image","created_at"}`.
/// Version 0 is "no card" (multiplier "1", no rows, no created_at): the list prices.
public struct RateCard: Sendable, Encodable {
    public var tenantID: UUID
    public var version: Int
    public var adjustment: PriceAdjustment
    public var createdAt: Date?

    public static func none(_ tenantID: UUID) -> RateCard {
        RateCard(tenantID: tenantID, version: 0, adjustment: .identity, createdAt: nil)
    }

    init(tenantID: UUID, version: Int, adjustment: PriceAdjustment, createdAt: Date?) {
        self.tenantID = tenantID
        self.version = version
        self.adjustment = adjustment
        self.createdAt = createdAt
    }

    init(row: PostgresRow) throws {
        tenantID = try row.decode(UUID.self, "tenant_id")
        version = try row.decode(Int.self, "version")
        adjustment = PriceAdjustment(
            multiplier: try row.decode(String.self, "multiplier"),
            video: try row.decode(PostgresJSON.self, "video").decode([VideoPrice].self),
            image: try row.decode(PostgresJSON.self, "image").decode([ImagePrice].self))
        createdAt = try row.decode(Date.self, "created_at")
    }

    enum CodingKeys: String, CodingKey {
        case version, multiplier, video, image
        case tenantID = "tenant_id"
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tenantID.text, forKey: .tenantID)
        try container.encode(version, forKey: .version)
        try container.encode(adjustment.multiplier, forKey: .multiplier)
        try container.encode(adjustment.video, forKey: .video)
        try container.encode(adjustment.image, forKey: .image)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
