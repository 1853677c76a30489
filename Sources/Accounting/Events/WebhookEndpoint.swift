import Foundation
import Postgres

/// An operator's webhook endpoint: receives the events of every tenant (those of `events`, or every
/// type when nil), signed with its own secret, which is shown once at creation and never again.
public struct WebhookEndpoint: Sendable, Encodable {
    public var id: UUID
    public var url: String
    public var events: [EventType]?
    public var createdAt: Date
    public var deletedAt: Date?

    static let columns: StaticString = "id, url, events, created_at, deleted_at"

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        url = try row.decode(String.self, "url")
        events = try row.decode(PostgresJSON?.self, "events").map { try $0.decode([EventType].self) }
        createdAt = try row.decode(Date.self, "created_at")
        deletedAt = try row.decode(Date?.self, "deleted_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events
        case createdAt = "created_at"
        case deletedAt = "deleted_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.text, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(events, forKey: .events)
        try container.encode(createdAt, forKey: .createdAt)
        if let deletedAt { try container.encode(deletedAt, forKey: .deletedAt) }
    }
}
