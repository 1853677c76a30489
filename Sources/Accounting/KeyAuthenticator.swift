import Foundation
import Postgres

/// A tenant API key that was presented and found valid, with what the tenant API needs to know at once.
public struct AuthenticatedKey: Sendable {
    public var keyID: UUID
    public var keyName: String
    public var tenantID: UUID
    public var tenantName: String
    public var tenantSuspended: Bool
    /// nil: every model.
    public var allowedModels: [String]?
    /// What this key may do (`KeyScope`); checked by every tenant route.
    public var scopes: [KeyScope]
    /// The price book's latest version and the tenant's rate card's (0: none), read with the key in the
    /// same statement so a create prices without two more round trips; nil: not read.
    public var priceVersion: Int?
    public var rateCardVersion: Int?

    public init(keyID: UUID, keyName: String, tenantID: UUID, tenantName: String, tenantSuspended: Bool, allowedModels: [String]?,
                scopes: [KeyScope] = KeyScope.all) {
        self.keyID = keyID
        self.keyName = keyName
        self.tenantID = tenantID
        self.tenantName = tenantName
        self.tenantSuspended = tenantSuspended
        self.allowedModels = allowedModels
        self.scopes = scopes
    }

    public func allows(model: String) -> Bool {
        allowedModels?.contains(model) ?? true
    }
}

public enum KeyAuthenticationError: Error, Sendable, Equatable {
    /// No key was sent (1000).
    case missing
    /// Not a key we know, or revoked (1002).
    case unknown
    /// Past its expiry (1004).
    case expired
}

/// Looks a presented secret up by its hash. Revocation and expiry take effect on the next request
/// because nothing is cached.
public struct KeyAuthenticator: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func authenticate(secret: String?) async throws -> AuthenticatedKey {
        guard let secret, !secret.isEmpty else { throw KeyAuthenticationError.missing }
        let hash = PostgresBytes(Secrets.hash(secret))
        // last_used_at is written at most once a minute per key, so reads stay cheap
        let row = try await pool.queryFirst("""
            WITH found AS (
                SELECT k.id, k.name, k.tenant_id, k.allowed_models, k.scopes, k.revoked_at IS NOT NULL AS revoked,
                       k.expires_at IS NOT NULL AND k.expires_at <= now() AS expired,
                       t.name AS tenant_name, t.status = 'suspended' AS suspended, k.last_used_at
                FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE k.secret_hash = \(hash)
            ), touched AS (
                UPDATE api_keys SET last_used_at = now()
                WHERE id = (SELECT id FROM found WHERE NOT revoked AND NOT expired
                            AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
                RETURNING id
            )
            SELECT id, name, tenant_id, allowed_models, scopes, revoked, expired, tenant_name, suspended,
                   (SELECT max(version) FROM price_books) AS price_version,
                   COALESCE((SELECT max(r.version) FROM rate_cards r WHERE r.tenant_id = found.tenant_id), 0) AS rate_card_version
            FROM found
            """)
        guard let row else { throw KeyAuthenticationError.unknown }
        if try row.decode(Bool.self, "revoked") { throw KeyAuthenticationError.unknown }
        if try row.decode(Bool.self, "expired") { throw KeyAuthenticationError.expired }
        let models = try row.decode(PostgresJSON?.self, "allowed_models").map { try $0.decode([String].self) }
        var key = AuthenticatedKey(
            keyID: try row.decode(UUID.self, "id"),
            keyName: try row.decode(String.self, "name"),
            tenantID: try row.decode(UUID.self, "tenant_id"),
            tenantName: try row.decode(String.self, "tenant_name"),
            tenantSuspended: try row.decode(Bool.self, "suspended"),
            allowedModels: models,
            scopes: try row.decode(PostgresJSON.self, "scopes").decode([KeyScope].self)
        )
        key.priceVersion = try row.decode(Int?.self, "price_version")
        key.rateCardVersion = try row.decode(Int.self, "rate_card_version")
        return key
    }
}
