import Foundation
import Postgres

/// Tenants: created, listed, read and changed by admins. Every change is audited in its own transaction.
public struct TenantStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func create(_ settings: TenantSettings, actor: String) async throws -> Tenant {
        try await pool.transaction { connection in
            let inserted = try await connection.queryFirst("""
                INSERT INTO tenants (name, status, credit_limit_micros, monthly_budget_micros, max_concurrent_tasks, rpm_limit, callback_url)
                VALUES (\(settings.name), \(settings.status.rawValue), \(settings.creditLimitMicros), \(settings.monthlyBudgetMicros),
                        \(settings.maxConcurrentTasks), \(settings.rpmLimit), \(settings.callbackURL))
                RETURNING id
                """).expected("tenant insert")
            let id = try inserted.decode(UUID.self, "id")
            let tenant = try await Self.read(id, on: connection).expected("tenant read")
            try await AuditLog.record(actor: actor, action: "tenant.create", resourceType: "tenant",
                                      resourceID: id.text, before: nil, after: tenant, on: connection)
            return tenant
        }
    }

    /// The secret that signs the tenant's callbacks; kept out of `Tenant` so it never lands in the audit log.
    public func webhookSecret(_ id: UUID) async throws -> String? {
        try await pool.queryFirst("SELECT webhook_secret FROM tenants WHERE id = \(id)")?.decode(String.self, "webhook_secret")
    }

    public func get(_ id: UUID) async throws -> Tenant? {
        try await pool.withConnection { try await Self.read(id, on: $0) }
    }

    /// Newest first; `cursor` is the `next_cursor` of the page before (a tenant id).
    public func list(limit: Int, cursor: UUID?) async throws -> Page<Tenant> {
        let rows = try await pool.query(Tenant.select + """
            WHERE \(cursor)::uuid IS NULL OR (t.created_at, t.id) < (SELECT created_at, id FROM tenants WHERE id = \(cursor))
            ORDER BY t.created_at DESC, t.id DESC
            LIMIT \(limit + 1)
            """)
        return Page(rows: try rows.map(Tenant.init(row:)), limit: limit) { $0.id.text }
    }

    /// nil: no such tenant. A PATCH that changes nothing writes nothing.
    public func update(_ id: UUID, _ changes: TenantChanges, actor: String) async throws -> Tenant? {
        try await pool.transaction { connection -> Tenant? in
            guard let before = try await Self.read(id, on: connection, forUpdate: true) else { return nil }
            let settings = changes.applied(to: before.settings)
            guard settings != before.settings else { return before }
            if settings.creditLimitMicros != before.settings.creditLimitMicros {
                try before.balance.check(creditLimit: settings.creditLimitMicros, field: "credit_limit_micros")
            }
            try await connection.execute("""
                UPDATE tenants
                SET name = \(settings.name), status = \(settings.status.rawValue),
                    credit_limit_micros = \(settings.creditLimitMicros), monthly_budget_micros = \(settings.monthlyBudgetMicros),
                    max_concurrent_tasks = \(settings.maxConcurrentTasks), rpm_limit = \(settings.rpmLimit),
                    callback_url = \(settings.callbackURL), updated_at = now()
                WHERE id = \(id)
                """)
            let after = try await Self.read(id, on: connection).expected("tenant read")
            try await AuditLog.record(actor: actor, action: "tenant.update", resourceType: "tenant",
                                      resourceID: id.text, before: before, after: after, on: connection)
            return after
        }
    }

    /// `forUpdate` locks the tenant row: the first lock of the one fixed order (tenant, then key).
    static func read(_ id: UUID, on connection: PostgresConnection, forUpdate: Bool = false) async throws -> Tenant? {
        let query = Tenant.select + "WHERE t.id = \(id)" + (forUpdate ? " FOR UPDATE OF t" : "")
        return try await connection.queryFirst(query).map(Tenant.init(row:))
    }
}
