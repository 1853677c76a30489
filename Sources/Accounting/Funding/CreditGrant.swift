import Foundation
import Postgres

public enum GrantStatus: String, Sendable, Codable {
    case pending, active, exhausted, expired, voided
}

/// A credit grant as the admin API shows it. Every micro of `amountMicros` is in exactly one of
/// remaining, held, used, expired and voided.
public struct CreditGrant: Sendable, Encodable {
    public var id: UUID
    public var tenantID: UUID
    public var name: String
    public var amountMicros: Int64
    public var remainingMicros: Int64
    public var heldMicros: Int64
    public var usedMicros: Int64
    public var expiredMicros: Int64
    public var voidedMicros: Int64
    public var priority: Int
    public var effectiveAt: Date
    public var expiresAt: Date?
    public var models: [String]?
    public var idempotencyKey: String?
    public var status: GrantStatus
    public var createdAt: Date

    static let columns: StaticString = """
        id, tenant_id, name, amount_micros, remaining_micros, held_micros, used_micros, expired_micros, voided_micros,
        priority, effective_at, expires_at, models, idempotency_key, expired_at, voided_at, created_at, now() AS db_now
        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        tenantID = try row.decode(UUID.self, "tenant_id")
        name = try row.decode(String.self, "name")
        amountMicros = try row.decode(Int64.self, "amount_micros")
        remainingMicros = try row.decode(Int64.self, "remaining_micros")
        heldMicros = try row.decode(Int64.self, "held_micros")
        usedMicros = try row.decode(Int64.self, "used_micros")
        expiredMicros = try row.decode(Int64.self, "expired_micros")
        voidedMicros = try row.decode(Int64.self, "voided_micros")
        priority = try row.decode(Int.self, "priority")
        effectiveAt = try row.decode(Date.self, "effective_at")
        expiresAt = try row.decode(Date?.self, "expires_at")
        models = try row.decode(PostgresJSON?.self, "models").map { try $0.decode([String].self) }
        idempotencyKey = try row.decode(String?.self, "idempotency_key")
        createdAt = try row.decode(Date.self, "created_at")
        let now = try row.decode(Date.self, "db_now")
        let voidedAt = try row.decode(Date?.self, "voided_at")
        let expiredAt = try row.decode(Date?.self, "expired_at")
        if voidedAt != nil {
            status = .voided
        } else if expiredAt != nil || (expiresAt.map { $0 <= now } ?? false) {
            status = .expired
        } else if effectiveAt > now {
            status = .pending
        } else {
            status = remainingMicros == 0 ? .exhausted : .active
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, priority, models, status
        case tenantID = "tenant_id"
        case amountMicros = "amount_micros"
        case remainingMicros = "remaining_micros"
        case heldMicros = "held_micros"
        case usedMicros = "used_micros"
        case expiredMicros = "expired_micros"
        case voidedMicros = "voided_micros"
        case effectiveAt = "effective_at"
        case expiresAt = "expires_at"
        case idempotencyKey = "idempotency_key"
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.text, forKey: .id)
        try c.encode(tenantID.text, forKey: .tenantID)
        try c.encode(name, forKey: .name)
        try c.encode(amountMicros, forKey: .amountMicros)
        try c.encode(remainingMicros, forKey: .remainingMicros)
        try c.encode(heldMicros, forKey: .heldMicros)
        try c.encode(usedMicros, forKey: .usedMicros)
        try c.encode(expiredMicros, forKey: .expiredMicros)
        try c.encode(voidedMicros, forKey: .voidedMicros)
        try c.encode(priority, forKey: .priority)
        try c.encode(effectiveAt, forKey: .effectiveAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(models, forKey: .models)
        try c.encode(idempotencyKey, forKey: .idempotencyKey)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

/// What an admin gives: `POST /admin/v1/tenants/{id}/grants`.
public struct GrantRequest: Sendable {
    public var amountMicros: Int64
    public var name: String
    public var priority: Int
    public var effectiveAt: Date?
    public var expiresAt: Date?
    public var models: [String]?
    public var idempotencyKey: String?

    public init(amountMicros: Int64, name: String, priority: Int = 10, effectiveAt: Date? = nil, expiresAt: Date? = nil,
                models: [String]? = nil, idempotencyKey: String? = nil) {
        self.amountMicros = amountMicros
        self.name = name
        self.priority = priority
        self.effectiveAt = effectiveAt
        self.expiresAt = expiresAt
        self.models = models
        self.idempotencyKey = idempotencyKey
    }
}

public enum GrantError: Error, Sendable, Equatable {
    /// The idempotency key was used for this tenant with another amount.
    case idempotencyKeyReused
    /// `expires_at` is not after `effective_at` (or now).
    case expiresBeforeEffective
    /// The grant would take a tenant's sums past 2^62 micros.
    case overflow
    /// Void of a grant that already expired.
    case alreadyExpired
}
