import Foundation
import Postgres

/// Console and portal sessions in PostgreSQL. The session id is a random secret given to the browser
/// once, in its cookie; the table keeps only its SHA-256. Every lookup checks, in the same statement,
/// that the admin token or tenant key signed in with is still valid, so a revocation ends its sessions
/// at the next request.
public struct ConsoleSessionStore: Sendable {
    public let pool: PostgresPool
    /// SHA-256 of the current bootstrap admin token; a session opened with an earlier one is refused.
    private let bootstrapHash: [UInt8]?

    /// How long a session lasts from sign-in (the SQL below says the same: interval '12 hours').
    public static let lifetime: TimeInterval = 12 * 60 * 60

    public init(pool: PostgresPool, bootstrapToken: String?) {
        self.pool = pool
        self.bootstrapHash = bootstrapToken.flatMap { $0.isEmpty ? nil : Secrets.hash($0) }
    }

    /// A console session for an admin principal that `AdminAuthenticator` accepted. Returns the secret id.
    public func openConsole(for principal: AdminPrincipal) async throws -> String {
        let secret = Secrets.generate(prefix: "oms_")
        let tokenID = principal.actor == AdminPrincipal.bootstrap.actor ? nil : UUID(uuidString: principal.actor)
        let bootstrap = tokenID == nil ? bootstrapHash.map(PostgresBytes.init) : nil
        guard tokenID != nil || bootstrap != nil else { throw PostgresError(.decoding, message: "console session: no token to bind to") }
        try await pool.execute("""
            INSERT INTO console_sessions (id_hash, kind, role, admin_token_id, bootstrap_hash, expires_at)
            VALUES (\(PostgresBytes(Secrets.hash(secret))), 'console', \(principal.role.rawValue), \(tokenID), \(bootstrap),
                    now() + interval '12 hours')
            """)
        return secret
    }

    /// A portal session for a tenant key that `KeyAuthenticator` accepted. Returns the secret id.
    public func openPortal(keyID: UUID, tenantID: UUID) async throws -> String {
        let secret = Secrets.generate(prefix: "oms_")
        try await pool.execute("""
            INSERT INTO console_sessions (id_hash, kind, api_key_id, tenant_id, expires_at)
            VALUES (\(PostgresBytes(Secrets.hash(secret))), 'portal', \(keyID), \(tenantID),
                    now() + interval '12 hours')
            """)
        return secret
    }

    /// The live session of `secret`, or nil: unknown, signed out, older than 12 h, or its token or key revoked.
    public func find(secret: String, kind: ConsoleSessionKind) async throws -> ConsoleSession? {
        guard !secret.isEmpty else { return nil }
        let row = try await pool.queryFirst("""
            SELECT s.role, s.admin_token_id, s.bootstrap_hash, s.api_key_id, s.tenant_id, s.expires_at,
                   (s.admin_token_id IS NULL OR EXISTS (
                        SELECT 1 FROM admin_tokens a WHERE a.id = s.admin_token_id AND a.revoked_at IS NULL)) AS token_valid,
                   (s.api_key_id IS NULL OR EXISTS (
                        SELECT 1 FROM api_keys k WHERE k.id = s.api_key_id AND k.revoked_at IS NULL
                        AND (k.expires_at IS NULL OR k.expires_at > now()))) AS key_valid
            FROM console_sessions s
            WHERE s.id_hash = \(PostgresBytes(Secrets.hash(secret))) AND s.kind = \(kind.rawValue)
              AND s.ended_at IS NULL AND s.expires_at > now()
            """)
        guard let row, try row.decode(Bool.self, "token_valid"), try row.decode(Bool.self, "key_valid") else { return nil }
        let tokenID = try row.decode(UUID?.self, "admin_token_id")
        var actor: String?
        if kind == .console {
            if let tokenID {
                actor = tokenID.text
            } else {
                // opened with the bootstrap token: valid only while that is still the configured one
                guard let stored = try row.decode(PostgresBytes?.self, "bootstrap_hash")?.bytes, let bootstrapHash,
                      Secrets.constantTimeEquals(stored, bootstrapHash) else { return nil }
                actor = AdminPrincipal.bootstrap.actor
            }
        }
        return ConsoleSession(
            kind: kind, role: try row.decode(String?.self, "role").flatMap(AdminRole.init(rawValue:)), actor: actor,
            apiKeyID: try row.decode(UUID?.self, "api_key_id"), tenantID: try row.decode(UUID?.self, "tenant_id"),
            expiresAt: try row.decode(Date.self, "expires_at"))
    }

    /// Signs out: the session can never be used again. Ending an unknown or ended session changes nothing.
    public func end(secret: String) async throws {
        try await pool.execute("""
            UPDATE console_sessions SET ended_at = now()
            WHERE id_hash = \(PostgresBytes(Secrets.hash(secret))) AND ended_at IS NULL
            """)
    }
}
