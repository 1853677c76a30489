import Foundation
import Postgres
import Pricing

/// A channel's cost book as the channels table keeps it: `cost_multiplier` over the list price and the
/// `cost` override rows (`{"video":[rows],"image":[rows]}`), read as the `PriceAdjustment` they are
/// (docs/channels.md, "Cost, margin and bills"). The built-in `default` channel, and a task with no
/// channel, cost the list price: the identity adjustment.
public enum ChannelCostBook {
    public static let defaultChannel = "default"

    /// The stored `cost` column.
    struct Rows: Decodable {
        var video: [VideoPrice]?
        var image: [ImagePrice]?
    }

    /// The adjustment of the columns of one channel row; nil columns (no such row) are the identity.
    static func adjustment(multiplier: String?, cost: PostgresJSON?) throws -> PriceAdjustment {
        let rows = try cost.flatMap { $0.text == "null" ? nil : $0 }.map { try $0.decode(Rows.self) }
        return PriceAdjustment(multiplier: multiplier ?? "1", video: rows?.video ?? [], image: rows?.image ?? [])
    }

    /// The cost book adjustment of `channelID` ('default' or a row id, deleted rows included); nil when
    /// there is no such channel.
    public static func adjustment(channelID: String, on connection: PostgresConnection) async throws -> PriceAdjustment? {
        if channelID == defaultChannel { return .identity }
        guard let row = try await connection.queryFirst("SELECT cost_multiplier, cost FROM channels WHERE id = \(channelID)") else {
            return nil
        }
        return try adjustment(multiplier: try row.decode(String.self, "cost_multiplier"), cost: try row.decode(PostgresJSON?.self, "cost"))
    }

    /// Whether `channelID` names a channel: 'default' always does; a row does while it exists (deleted ones too,
    /// since their tasks and bills stay).
    public static func exists(_ channelID: String, on connection: PostgresConnection) async throws -> Bool {
        if channelID == defaultChannel { return true }
        return try await connection.queryFirst("SELECT 1 AS one FROM channels WHERE id = \(channelID)") != nil
    }
}
