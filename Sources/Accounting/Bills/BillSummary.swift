import Foundation

/// An import in `GET /admin/v1/channels/{id}/bills`: its figures and how many lines each list holds
/// (`GET /admin/v1/bills/{id}` has the lines).
public struct BillSummary: Sendable, Encodable {
    public var id: UUID
    public var channelID: String
    public var importedBy: String
    public var importedAt: Date
    public var digest: String
    public var lines: Int
    public var matched: Int
    public var amountMismatch: Int
    public var unknown: Int
    public var billedButReleased: Int
    public var billedMicros: Int64
    public var costMicros: Int64

    enum CodingKeys: String, CodingKey {
        case id, digest, lines, matched, unknown
        case channelID = "channel_id"
        case importedBy = "imported_by"
        case importedAt = "imported_at"
        case amountMismatch = "amount_mismatch"
        case billedButReleased = "billed_but_released"
        case billedMicros = "billed_micros"
        case costMicros = "cost_micros"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.uuidString.lowercased(), forKey: .id)
        try c.encode(channelID, forKey: .channelID)
        try c.encode(importedBy, forKey: .importedBy)
        try c.encode(importedAt, forKey: .importedAt)
        try c.encode(digest, forKey: .digest)
        try c.encode(lines, forKey: .lines)
        try c.encode(matched, forKey: .matched)
        try c.encode(amountMismatch, forKey: .amountMismatch)
        try c.encode(unknown, forKey: .unknown)
        try c.encode(billedButReleased, forKey: .billedButReleased)
        try c.encode(billedMicros, forKey: .billedMicros)
        try c.encode(costMicros, forKey: .costMicros)
    }
}
