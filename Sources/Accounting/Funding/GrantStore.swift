import Foundation
import Postgres

/// Credit grants: given, listed, voided by admins, expired on time by a job (docs/money.md). Each change
/// locks the tenant row first (the one lock order), then the grant, and writes its ledger row beside it.
public struct GrantStore: Sendable {
    public let pool: PostgresPool
    /// No tenant sum may pass 2^62 micros.
    public static let maxSum: Int64 = 1 << 62

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The grant and whether this call made it (false: an earlier call with the same idempotency key
    /// did). nil: no such tenant.
    public func create(tenantID: UUID, _ request: GrantRequest, actor: String) async throws -> (grant: CreditGrant, created: Bool)? {
        let models = try request.models.map { try PostgresJSON(encoding: $0) }
        return try await pool.transaction { connection -> (grant: CreditGrant, created: Bool)? in
            guard let tenant = try await connection.queryFirst("""
                SELECT credits_micros, granted_micros, now() AS db_now FROM tenants WHERE id = \(tenantID) FOR UPDATE
                """) else { return nil }
            if let key = request.idempotencyKey, let row = try await connection.queryFirst("""
                SELECT \(unescaped: CreditGrant.columns) FROM credit_grants WHERE tenant_id = \(tenantID) AND idempotency_key = \(key)
                """) {
                let earlier = try CreditGrant(row: row)
                guard earlier.amountMicros == request.amountMicros else { throw GrantError.idempotencyKeyReused }
                return (earlier, false)
            }
            let now = try tenant.decode(Date.self, "db_now")
            let effective = request.effectiveAt ?? now
            if let expires = request.expiresAt, expires <= max(effective, now) { throw GrantError.expiresBeforeEffective }
            let credits = try tenant.decode(Int64.self, "credits_micros")
            let granted = try tenant.decode(Int64.self, "granted_micros")
            let (sum, overflow) = credits.addingReportingOverflow(granted)
            guard !overflow, sum <= Self.maxSum - request.amountMicros else { throw GrantError.overflow }
            let row = try await connection.queryFirst("""
                INSERT INTO credit_grants (tenant_id, name, amount_micros, remaining_micros, priority, effective_at, expires_at, models,
                                           idempotency_key, created_by)
                VALUES (\(tenantID), \(request.name), \(request.amountMicros), \(request.amountMicros), \(request.priority), \(effective),
                        \(request.expiresAt), \(models), \(request.idempotencyKey), \(actor))
                RETURNING \(unescaped: CreditGrant.columns)
                """).expected("grant insert")
            let grant = try CreditGrant(row: row)
            try await Ledger.append(LedgerEntry(tenantID: tenantID, kind: .grant, amountMicros: grant.amountMicros, reason: grant.name,
                                                actor: actor, grantID: grant.id), on: connection)
            try await AlertEvents.afterBalanceChange(tenantID: tenantID, on: connection)
            try await AuditLog.record(actor: actor, action: "grant.create", resourceType: "grant", resourceID: grant.id.text,
                                      before: nil, after: grant, on: connection)
            return (grant, true)
        }
    }

    public func get(_ id: UUID) async throws -> CreditGrant? {
        try await pool.queryFirst("SELECT \(unescaped: CreditGrant.columns) FROM credit_grants WHERE id = \(id)").map(CreditGrant.init(row:))
    }

    /// A tenant's grants, oldest first. nil: no such tenant.
    public func list(tenantID: UUID, limit: Int = 500) async throws -> [CreditGrant]? {
        try await pool.withConnection { connection -> [CreditGrant]? in
            guard try await connection.queryFirst("SELECT 1 AS one FROM tenants WHERE id = \(tenantID)") != nil else { return nil }
            return try await connection.query("""
                SELECT \(unescaped: CreditGrant.columns) FROM credit_grants WHERE tenant_id = \(tenantID)
                ORDER BY created_at, id LIMIT \(limit)
                """).map(CreditGrant.init(row:))
        }
    }

    /// Voids a grant: its unheld remainder leaves at once (`grant_void`); what is held on it leaves when
    /// released. A second void changes nothing. nil: no such grant.
    public func void(_ id: UUID, actor: String) async throws -> CreditGrant? {
        try await pool.transaction { connection -> CreditGrant? in
            guard let owner = try await connection.queryFirst("SELECT tenant_id FROM credit_grants WHERE id = \(id)") else { return nil }
            let tenantID = try owner.decode(UUID.self, "tenant_id")
            try await connection.execute("SELECT 1 FROM tenants WHERE id = \(tenantID) FOR UPDATE")
            let before = try CreditGrant(row: try await connection.queryFirst(
                "SELECT \(unescaped: CreditGrant.columns) FROM credit_grants WHERE id = \(id) FOR UPDATE").expected("grant read"))
            if before.status == .voided { return before }
            if before.status == .expired { throw GrantError.alreadyExpired }
            let row = try await connection.queryFirst("""
                UPDATE credit_grants SET voided_micros = voided_micros + remaining_micros, remaining_micros = 0, voided_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: CreditGrant.columns)
                """).expected("grant void")
            let after = try CreditGrant(row: row)
            if before.remainingMicros > 0 {
                try await Ledger.append(LedgerEntry(tenantID: tenantID, kind: .grantVoid, amountMicros: before.remainingMicros,
                                                    reason: "void", actor: actor, grantID: id), on: connection)
            }
            try await AlertEvents.afterBalanceChange(tenantID: tenantID, on: connection)
            try await AuditLog.record(actor: actor, action: "grant.void", resourceType: "grant", resourceID: id.text,
                                      before: before, after: after, on: connection)
            return after
        }
    }

    /// One pass of the expiry job: leases up to `limit` grants past `expires_at` (SKIP LOCKED, so
    /// instances share them) and expires each in its own transaction. Returns how many it expired.
    @discardableResult
    public func expireDue(limit: Int = 100, leaseSeconds: Int = 30) async throws -> Int {
        let due = try await pool.query("""
            UPDATE credit_grants SET lease_until = now() + make_interval(secs => \(leaseSeconds))
            WHERE id IN (SELECT id FROM credit_grants
                         WHERE expired_at IS NULL AND voided_at IS NULL AND expires_at IS NOT NULL AND expires_at <= now()
                           AND (lease_until IS NULL OR lease_until < now())
                         ORDER BY expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id
            """)
        var expired = 0
        for row in due {
            let (id, tenantID) = try row.decode((UUID, UUID).self)
            let moved = try await pool.transaction { connection -> Bool in
                try await connection.execute("SELECT 1 FROM tenants WHERE id = \(tenantID) FOR UPDATE")
                return try await Self.expire(id, tenantID: tenantID, on: connection)
            }
            if moved { expired += 1 }
        }
        return expired
    }

    /// Expires one grant past `expires_at`, once: its unheld remainder leaves with a `grant_expire` row.
    /// The caller holds the tenant lock. false: not due, or already expired or voided.
    @discardableResult
    static func expire(_ id: UUID, tenantID: UUID, on connection: PostgresConnection) async throws -> Bool {
        guard let row = try await connection.queryFirst("""
            WITH before AS (
                SELECT id, remaining_micros FROM credit_grants
                WHERE id = \(id) AND expired_at IS NULL AND voided_at IS NULL AND expires_at <= now()
                FOR UPDATE
            )
            UPDATE credit_grants g SET expired_micros = g.expired_micros + g.remaining_micros, remaining_micros = 0,
                   expired_at = now(), lease_until = NULL
            FROM before WHERE g.id = before.id
            RETURNING before.remaining_micros AS moved
            """) else { return false }
        let moved = try row.decode(Int64.self, "moved")
        if moved > 0 {
            try await Ledger.append(LedgerEntry(tenantID: tenantID, kind: .grantExpire, amountMicros: moved, reason: "expired",
                                                grantID: id), on: connection)
        }
        try await GrantEvents.expired(id, tenantID: tenantID, on: connection)
        return true
    }
}
