import Foundation
import Postgres

/// Admin tokens: made with a random secret that is shown once and stored only as its hash.
public struct AdminTokenStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let columns: PostgresQuery = "SELECT id, name, role, created_by, created_at, revoked_at FROM admin_tokens "

    /// The new token and its secret (`omt_…`), which is not kept anywhere.
    public func create(name: String, role: AdminRole, actor: String) async throws -> (token: AdminToken, secret: String) {
        let secret = Secrets.generate(prefix: "omt_")
        let hash = PostgresBytes(Secrets.hash(secret))
        let token = try await pool.transaction { connection in
            let row = try await connection.queryFirst("""
                INSERT INTO admin_tokens (name, role, token_hash, created_by)
                VALUES (\(name), \(role.rawValue), \(hash), \(actor))
                RETURNING id, name, role, created_by, created_at, revoked_at
                """)
            let token = try AdminToken(row: row.expected("admin token insert"))
            try await AuditLog.record(actor: actor, action: "admin_token.create", resourceType: "admin_token",
                                      resourceID: token.id.text, before: nil, after: token, on: connection)
            return token
        }
        return (token, secret)
    }

    /// Every token, newest first (there are few).
    public func list() async throws -> [AdminToken] {
        try await pool.query(Self.columns + "ORDER BY created_at DESC, id DESC").map(AdminToken.init(row:))
    }

    /// Revokes a token; revoking it again changes nothing. nil: no such token.
    public func revoke(id: UUID, actor: String) async throws -> AdminToken? {
        try await pool.transaction { connection -> AdminToken? in
            guard let row = try await connection.queryFirst(Self.columns + "WHERE id = \(id) FOR UPDATE") else { return nil }
            let before = try AdminToken(row: row)
            guard before.revokedAt == nil else { return before }
            let updated = try await connection.queryFirst("""
                UPDATE admin_tokens SET revoked_at = now() WHERE id = \(id)
                RETURNING id, name, role, created_by, created_at, revoked_at
                """)
            let after = try AdminToken(row: updated.expected("admin token revoke"))
            try await AuditLog.record(actor: actor, action: "admin_token.revoke", resourceType: "admin_token",
                                      resourceID: id.text, before: before, after: after, on: connection)
            return after
        }
    }
}
