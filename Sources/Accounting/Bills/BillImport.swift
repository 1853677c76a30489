import Foundation
import Postgres

/// One kept import of a channel's bill: `{id, channel_id, imported_by, imported_at, digest, lines, matched,
/// amount_mismatch, unknown, billed_but_released, billed_micros, cost_micros}`. `digest` is the lowercase
/// hex SHA-256 of the body exactly as it was sent, so finance can tell which file this was.
public struct BillImport: Sendable, Encodable {
    public var id: UUID
    public var channelID: String
    public var importedBy: String
    public var importedAt: Date
    public var digest: String
    public var result: BillResult

    static let columns: StaticString = "id, channel_id, imported_by, imported_at, digest, result"

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        channelID = try row.decode(String.self, "channel_id")
        importedBy = try row.decode(String.self, "imported_by")
        importedAt = try row.decode(Date.self, "imported_at")
        digest = try row.decode(String.self, "digest")
        result = try row.decode(PostgresJSON.self, "result").decode(BillResult.self)
    }

    enum CodingKeys: String, CodingKey {
        case id, digest
        case channelID = "channel_id"
        case importedBy = "imported_by"
        case importedAt = "imported_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.uuidString.lowercased(), forKey: .id)
        try c.encode(channelID, forKey: .channelID)
        try c.encode(importedBy, forKey: .importedBy)
        try c.encode(importedAt, forKey: .importedAt)
        try c.encode(digest, forKey: .digest)
        try result.encode(to: encoder)
    }

    /// What the audit log and the listing keep: the import without its line lists.
    public var summary: BillSummary {
        BillSummary(id: id, channelID: channelID, importedBy: importedBy, importedAt: importedAt, digest: digest,
                    lines: result.lines, matched: result.matched, amountMismatch: result.amountMismatch.count,
                    unknown: result.unknown.count, billedButReleased: result.billedButReleased.count,
                    billedMicros: result.billedMicros, costMicros: result.costMicros)
    }
}
