import Accounting
import Foundation
import Kling
import Postgres
import Pricing
import Testing

/// Channels and their tasks for the cost, margin and bill tests: channel rows inserted directly (their
/// admin API is another feature's), tasks reserved and settled through `TaskStore`, with the channel and
/// upstream id set between the two as submission sets them.
extension Fixtures {
    /// A channel row with this cost book; returns its id.
    public static func channel(_ pool: PostgresPool, multiplier: String = "1", cost: String? = nil) async throws -> String {
        let id = "cost-test-\(UUID().uuidString.lowercased())"
        try await pool.execute("""
            INSERT INTO channels (id, name, base_url, api_key, cost_multiplier, cost, enabled)
            VALUES (\(id), \(id), 'http://127.0.0.1:9/kling', 'unused', \(multiplier), \(cost.map { PostgresJSON(text: $0) }), false)
            """)
        return id
    }

    /// Reserves `body` (with its priced request at the list book under `card`, a tenant rate card, when
    /// given; else without, as older tasks were), records `channelID` and `upstreamID`, then settles
    /// through each of `outcomes`; `endedAt` moves the end for reports.
    @discardableResult
    public static func costedTask(_ pool: PostgresPool, _ key: AuthenticatedKey, _ body: String, channel channelID: String?,
                                  upstreamID: String? = "up-\(UUID().uuidString.lowercased())", card: PriceAdjustment? = nil,
                                  _ outcomes: TaskOutcome..., endedAt: Date? = nil) async throws -> TaskRecord {
        var request = try reservation(key, body)
        if let card {
            let parsed: any OmniCreateRequest = body.contains("kling-image")
                ? try ImageRequest.parse(Data(body.utf8)) : try VideoRequest.parse(Data(body.utf8))
            request.pricedRequest = try PostgresJSON(encoding: try Pricing.price(parsed.priceRequest, book: try card.applied(to: .default2026)))
        }
        let store = TaskStore(pool: pool)
        let task = try await store.reserve(request).task
        try await pool.execute("UPDATE tasks SET channel_id = \(channelID), upstream_task_id = \(upstreamID) WHERE id = \(task.id)")
        for outcome in outcomes {
            _ = try await store.settle(taskID: task.id, outcome: outcome)
        }
        if let endedAt { try await moveEnd(pool, task.id, to: endedAt) }
        return try #require(try await store.task(id: task.id))
    }

    /// Moves an ended task's end; the usage rollup moves with it, as endedTask does (margin_daily follows by itself).
    public static func moveEnd(_ pool: PostgresPool, _ taskID: UUID, to endedAt: Date) async throws {
        try await pool.transaction { connection in
            guard let row = try await connection.queryFirst("SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE id = \(taskID) FOR UPDATE") else { return }
            let settled = try TaskRecord(row: row)
            try await UsageRollup.remove(settled, on: connection)
            try await connection.execute("UPDATE tasks SET ended_at = \(endedAt) WHERE id = \(taskID)")
            var moved = settled
            moved.endedAt = endedAt
            try await UsageRollup.record(moved, on: connection)
        }
    }

    /// The task's recorded channel and cost.
    public static func cost(_ pool: PostgresPool, _ taskID: UUID) async throws -> RecordedCost {
        let row = try #require(try await pool.queryFirst("SELECT channel_id, cost_micros FROM tasks WHERE id = \(taskID)"))
        return RecordedCost(try row.decode(String?.self, "channel_id"), try row.decode(Int64?.self, "cost_micros"))
    }
}

/// A task's `channel_id` and `cost_micros` as stored.
public struct RecordedCost: Equatable, Sendable, CustomStringConvertible {
    public var channel: String?
    public var micros: Int64?

    public init(_ channel: String?, _ micros: Int64?) {
        self.channel = channel
        self.micros = micros
    }

    public var description: String { "\(channel ?? "null") \(micros.map(String.init) ?? "null")" }
}
