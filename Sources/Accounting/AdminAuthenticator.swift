import Foundation
import Postgres

/// Finds who an admin bearer token belongs to: the bootstrap token from the environment (role admin),
/// or a stored, unrevoked token. With no bootstrap token configured the admin API is off: every token
/// is refused, stored ones included. Nothing is cached, so a revocation holds from the next request.
public struct AdminAuthenticator: Sendable {
    public let pool: PostgresPool
    private let bootstrapHash: [UInt8]?

    public init(pool: PostgresPool, bootstrapToken: String?) {
        self.pool = pool
        self.bootstrapHash = bootstrapToken.flatMap { $0.isEmpty ? nil : Secrets.hash($0) }
    }

    /// nil: missing, unknown or revoked (all answered the same, 401).
    public func authenticate(token: String?) async throws -> AdminPrincipal? {
        guard let bootstrapHash, let token, !token.isEmpty else { return nil }
        let hash = Secrets.hash(token)
        if Secrets.constantTimeEquals(hash, bootstrapHash) { return .bootstrap }
        let row = try await pool.queryFirst("""
            SELECT id, role, token_hash FROM admin_tokens
            WHERE token_hash = \(PostgresBytes(hash)) AND revoked_at IS NULL
            """)
        guard let row, Secrets.constantTimeEquals(try row.decode(PostgresBytes.self, "token_hash").bytes, hash),
              let role = AdminRole(rawValue: try row.decode(String.self, "role"))
        else { return nil }
        return AdminPrincipal(actor: try row.decode(UUID.self, "id").text, role: role)
    }
}
