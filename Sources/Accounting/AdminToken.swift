import Foundation
import Postgres

/// A stored admin token, without its secret (shown once, at creation) or its hash.
public struct AdminToken: Sendable, Encodable {
    public var id: UUID
    public var name: String
    public var role: AdminRole
    public var createdBy: String?
    public var createdAt: Date
    public var revokedAt: Date?

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        let roleText = try row.decode(String.self, "role")
        guard let role = AdminRole(rawValue: roleText) else {
            throw PostgresError(.decoding, message: "admin_tokens.role: unknown role \(roleText)")
        }
        self.role = role
        createdBy = try row.decode(String?.self, "created_by")
        createdAt = try row.decode(Date.self, "created_at")
        revokedAt = try row.decode(Date?.self, "revoked_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case createdBy = "created_by"
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.text, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(revokedAt, forKey: .revokedAt)
    }
}
