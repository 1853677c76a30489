import Foundation
import Kling
import Postgres

/// An event as `GET /admin/v1/events` lists it, with the state of its delivery to each target.
public struct EventRecord: Sendable, Encodable {
    public var id: UUID
    public var tenantID: UUID
    public var type: String
    public var data: JSONValue
    public var createdAt: Date
    public var deliveries: [EventDelivery] = []

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        tenantID = try row.decode(UUID.self, "tenant_id")
        type = try row.decode(String.self, "type")
        data = try JSONValue.decode(try row.decode(PostgresJSON.self, "data").data)
        createdAt = try row.decode(Date.self, "created_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, type, data, deliveries
        case tenantID = "tenant_id"
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.text, forKey: .id)
        try container.encode(tenantID.text, forKey: .tenantID)
        try container.encode(type, forKey: .type)
        try container.encode(data, forKey: .data)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(deliveries, forKey: .deliveries)
    }
}

/// One target's delivery of an event: the deliveries listing's fields, and which target it is
/// (`tenant`: the tenant's events_url; `endpoint`: the operator endpoint `endpoint_id`).
public struct EventDelivery: Sendable, Encodable {
    public var delivery: DeliveryRecord
    public var endpointID: UUID?

    enum CodingKeys: String, CodingKey {
        case target
        case endpointID = "endpoint_id"
    }

    public func encode(to encoder: Encoder) throws {
        try delivery.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpointID == nil ? "tenant" : "endpoint", forKey: .target)
        try container.encode(endpointID?.text, forKey: .endpointID)
    }
}
