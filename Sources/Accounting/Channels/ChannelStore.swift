import Foundation
import Postgres
import Pricing

/// The channel rows (docs/channels.md): created, listed, changed and deleted by admins, each change
/// audited in its own transaction. A deleted channel keeps its row (`deleted_at`) for the tasks
/// that name it: their polls still go there.
public struct ChannelStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Another live channel already has the name.
    public struct NameTaken: Error, Sendable {
        public var name: String
    }

    public func create(_ settings: ChannelSettings, actor: String) async throws -> UpstreamChannel {
        try await nameErrors(settings.name) {
            try await pool.transaction { connection in
                let models = try settings.models.map { try PostgresJSON(encoding: $0) }
                let cost = try PostgresJSON(encoding: ChannelCostRows(video: settings.cost.video, image: settings.cost.image))
                let row = try await connection.queryFirst("""
                    INSERT INTO channels (name, base_url, api_key, access_key, secret_key, priority, weight, models, enabled,
                                          cost_multiplier, cost)
                    VALUES (\(settings.name), \(settings.baseURL), \(settings.credentials.apiKey), \(settings.credentials.accessKey),
                            \(settings.credentials.secretKey), \(settings.priority), \(settings.weight), \(models), \(settings.enabled),
                            \(settings.cost.multiplier), \(cost))
                    RETURNING \(unescaped: UpstreamChannel.columns)
                    """).expected("channel insert")
                let channel = try UpstreamChannel(row: row)
                try await AuditLog.record(actor: actor, action: "channel.create", resourceType: "channel",
                                          resourceID: channel.id, before: nil, after: channel, on: connection)
                return channel
            }
        }
    }

    /// The live channels, enabled or not: lowest priority first, then oldest.
    public func list() async throws -> [UpstreamChannel] {
        try await pool.query("""
            SELECT \(unescaped: UpstreamChannel.columns) FROM channels WHERE deleted_at IS NULL ORDER BY priority, created_at, id
            """).map(UpstreamChannel.init(row:))
    }

    /// A live channel; nil when unknown or deleted.
    public func get(_ id: String) async throws -> UpstreamChannel? {
        try await pool.queryFirst("""
            SELECT \(unescaped: UpstreamChannel.columns) FROM channels WHERE id = \(id) AND deleted_at IS NULL
            """).map(UpstreamChannel.init(row:))
    }

    /// A channel as tasks name it, deleted or disabled ones included (polls still go there).
    public func find(_ id: String) async throws -> UpstreamChannel? {
        try await pool.queryFirst("SELECT \(unescaped: UpstreamChannel.columns) FROM channels WHERE id = \(id)").map(UpstreamChannel.init(row:))
    }

    /// nil: no such live channel. A PATCH that changes nothing writes nothing.
    public func update(_ id: String, _ changes: ChannelChanges, actor: String) async throws -> UpstreamChannel? {
        try await pool.transaction { connection -> UpstreamChannel? in
            guard let before = try await connection.queryFirst("""
                SELECT \(unescaped: UpstreamChannel.columns) FROM channels WHERE id = \(id) AND deleted_at IS NULL FOR UPDATE
                """).map(UpstreamChannel.init(row:)) else { return nil }
            let current = ChannelSettings(before)
            let settings = changes.applied(to: current)
            guard settings != current else { return before }
            if settings.name != current.name, try await connection.queryFirst("""
                SELECT 1 AS one FROM channels WHERE name = \(settings.name) AND deleted_at IS NULL AND id <> \(id)
                """) != nil {
                throw NameTaken(name: settings.name)
            }
            let models = try settings.models.map { try PostgresJSON(encoding: $0) }
            let cost = try PostgresJSON(encoding: ChannelCostRows(video: settings.cost.video, image: settings.cost.image))
            let row = try await connection.queryFirst("""
                UPDATE channels SET name = \(settings.name), base_url = \(settings.baseURL), api_key = \(settings.credentials.apiKey),
                       access_key = \(settings.credentials.accessKey), secret_key = \(settings.credentials.secretKey),
                       priority = \(settings.priority), weight = \(settings.weight), models = \(models), enabled = \(settings.enabled),
                       cost_multiplier = \(settings.cost.multiplier), cost = \(cost), updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: UpstreamChannel.columns)
                """).expected("channel update")
            let channel = try UpstreamChannel(row: row)
            try await AuditLog.record(actor: actor, action: "channel.update", resourceType: "channel",
                                      resourceID: id, before: before, after: channel, on: connection)
            return channel
        }
    }

    /// Marks the channel deleted: no new task goes there. nil: no such live channel.
    public func delete(_ id: String, actor: String) async throws -> UpstreamChannel? {
        try await pool.transaction { connection -> UpstreamChannel? in
            guard let row = try await connection.queryFirst("""
                UPDATE channels SET deleted_at = now(), updated_at = now() WHERE id = \(id) AND deleted_at IS NULL
                RETURNING \(unescaped: UpstreamChannel.columns)
                """) else { return nil }
            let channel = try UpstreamChannel(row: row)
            try await AuditLog.record(actor: actor, action: "channel.delete", resourceType: "channel",
                                      resourceID: id, before: channel, after: nil, on: connection)
            return channel
        }
    }

    private func nameErrors<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "channels_name" {
            throw NameTaken(name: name)
        }
    }
}
