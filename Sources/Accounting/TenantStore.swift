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
            try await Self.checkTimeZone(settings.timeZone, on: connection)
            let thresholds = try PostgresJSON(encoding: settings.alertThresholds)
            let inserted = try await connection.queryFirst("""
                INSERT INTO tenants (name, status, credit_limit_micros, monthly_budget_micros, max_concurrent_tasks, rpm_limit, callback_url,
                                     time_zone, day_budget_micros, week_budget_micros, events_url, alert_thresholds, low_balance_micros)
                VALUES (\(settings.name), \(settings.status.rawValue), \(settings.creditLimitMicros), \(settings.monthlyBudgetMicros),
                        \(settings.maxConcurrentTasks), \(settings.rpmLimit), \(settings.callbackURL),
                        \(settings.timeZone), \(settings.dayBudgetMicros), \(settings.weekBudgetMicros),
                        \(settings.eventsURL), \(thresholds), \(settings.lowBalanceMicros))
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
        try await pool.withConnection { connection -> Page<Tenant> in
            let rows = try await connection.query(Tenant.select + """
                WHERE \(cursor)::uuid IS NULL OR (t.created_at, t.id) < (SELECT created_at, id FROM tenants WHERE id = \(cursor))
                ORDER BY t.created_at DESC, t.id DESC
                LIMIT \(limit + 1)
                """)
            var tenants: [Tenant] = []
            for row in rows { tenants.append(try await Self.withBudgets(try Tenant(row: row), on: connection)) }
            return Page(rows: tenants, limit: limit) { $0.id.text }
        }
    }

    /// nil: no such tenant. A PATCH that changes nothing writes nothing.
    public func update(_ id: UUID, _ changes: TenantChanges, actor: String) async throws -> Tenant? {
        try await pool.transaction { connection -> Tenant? in
            guard let before = try await Self.read(id, on: connection, forUpdate: true) else { return nil }
            let settings = changes.applied(to: before.settings)
            guard settings != before.settings else { return before }
            if settings.timeZone != before.settings.timeZone { try await Self.checkTimeZone(settings.timeZone, on: connection) }
            if settings.creditLimitMicros != before.settings.creditLimitMicros {
                try before.balance.check(creditLimit: settings.creditLimitMicros, field: "credit_limit_micros")
            }
            let thresholds = try PostgresJSON(encoding: settings.alertThresholds)
            try await connection.execute("""
                UPDATE tenants
                SET name = \(settings.name), status = \(settings.status.rawValue),
                    credit_limit_micros = \(settings.creditLimitMicros), monthly_budget_micros = \(settings.monthlyBudgetMicros),
                    max_concurrent_tasks = \(settings.maxConcurrentTasks), rpm_limit = \(settings.rpmLimit),
                    callback_url = \(settings.callbackURL), time_zone = \(settings.timeZone),
                    day_budget_micros = \(settings.dayBudgetMicros), week_budget_micros = \(settings.weekBudgetMicros),
                    events_url = \(settings.eventsURL), alert_thresholds = \(thresholds),
                    low_balance_micros = \(settings.lowBalanceMicros), updated_at = now()
                WHERE id = \(id)
                """)
            // a raised budget resolves thresholds, a lowered one may cross them; so may the balance alert
            try await AlertEvents.afterMoneyMove(tenantID: id, keyID: nil, on: connection)
            let after = try await Self.read(id, on: connection).expected("tenant read")
            try await AuditLog.record(actor: actor, action: "tenant.update", resourceType: "tenant",
                                      resourceID: id.text, before: before, after: after, on: connection)
            return after
        }
    }

    /// `forUpdate` locks the tenant row: the first lock of the one fixed order (tenant, then key).
    static func read(_ id: UUID, on connection: PostgresConnection, forUpdate: Bool = false) async throws -> Tenant? {
        let query = Tenant.select + "WHERE t.id = \(id)" + (forUpdate ? " FOR UPDATE OF t" : "")
        guard let tenant = try await connection.queryFirst(query).map(Tenant.init(row:)) else { return nil }
        return try await withBudgets(tenant, on: connection)
    }

    static func withBudgets(_ tenant: Tenant, on connection: PostgresConnection) async throws -> Tenant {
        var tenant = tenant
        tenant.budgets = try await BudgetUsage.statuses(tenant.settings.budgets, subject: tenant.id, reserved: tenant.balance.reservedMicros,
                                                        zoneName: tenant.settings.timeZone, on: connection)
        return tenant
    }

    /// A zone both Foundation and the database know (the daily charge rows are dated by the database).
    static func checkTimeZone(_ name: String, on connection: PostgresConnection) async throws {
        if name == "UTC" { return }
        guard TimeZone(identifier: name) != nil,
              try await connection.queryFirst("SELECT count(*) AS n FROM pg_timezone_names WHERE name = \(name)")?.decode(Int64.self, "n") ?? 0 > 0
        else { throw BudgetError.unknownTimeZone(name) }
    }
}
