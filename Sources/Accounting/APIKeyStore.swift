import Foundation
import Postgres

/// Tenant API keys: made with a random secret shown once (only its hash is stored), listed, changed,
/// revoked. KeyAuthenticator reads every request from the database, so changes hold at once.
public struct APIKeyStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The new key and its secret (`omk_…`). nil: no such tenant.
    public func create(tenantID: UUID, _ settings: APIKeySettings, actor: String) async throws -> (key: APIKey, secret: String)? {
        let secret = Secrets.generate(prefix: "omk_")
        let hash = PostgresBytes(Secrets.hash(secret))
        let models = try settings.allowedModels.map { try PostgresJSON(encoding: $0) }
        let settings = try settings.normalized()
        let scopes = try PostgresJSON(encoding: settings.scopes)
        let key = try await pool.transaction { connection -> APIKey? in
            guard try await connection.queryFirst("SELECT id FROM tenants WHERE id = \(tenantID)") != nil else { return nil }
            let inserted = try await connection.queryFirst("""
                INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, budget_micros, budget_period, allowed_models,
                                      expires_at, max_concurrent_tasks, rpm_limit, scopes, day_budget_micros, week_budget_micros, month_budget_micros)
                VALUES (\(tenantID), \(settings.name), \(Secrets.displayPrefix(secret)), \(hash), \(settings.budgetMicros),
                        \(settings.budgetPeriod.rawValue), \(models), \(settings.expiresAt), \(settings.maxConcurrentTasks),
                        \(settings.rpmLimit), \(scopes), \(settings.dayBudgetMicros), \(settings.weekBudgetMicros), \(settings.monthBudgetMicros))
                RETURNING id
                """).expected("api key insert")
            let key = try await Self.read(try inserted.decode(UUID.self, "id"), on: connection).expected("api key read")
            try await AuditLog.record(actor: actor, action: "api_key.create", resourceType: "api_key",
                                      resourceID: key.id.text, before: nil, after: key, on: connection)
            return key
        }
        return key.map { ($0, secret) }
    }

    public func get(_ id: UUID) async throws -> APIKey? {
        try await pool.withConnection { try await Self.read(id, on: $0) }
    }

    /// A tenant's keys, newest first; `cursor` is the `next_cursor` of the page before. nil: no such tenant.
    public func list(tenantID: UUID, limit: Int, cursor: UUID?) async throws -> Page<APIKey>? {
        try await pool.withConnection { connection -> Page<APIKey>? in
            guard try await connection.queryFirst("SELECT id FROM tenants WHERE id = \(tenantID)") != nil else { return nil }
            let rows = try await connection.query(APIKey.select + """
                WHERE k.tenant_id = \(tenantID)
                  AND (\(cursor)::uuid IS NULL OR (k.created_at, k.id) < (SELECT created_at, id FROM api_keys WHERE id = \(cursor)))
                ORDER BY k.created_at DESC, k.id DESC
                LIMIT \(limit + 1)
                """)
            var keys: [APIKey] = []
            for row in rows { keys.append(try await Self.withBudgets(try APIKey(row: row), on: connection)) }
            return Page(rows: keys, limit: limit) { $0.id.text }
        }
    }

    /// nil: no such key. A PATCH that changes nothing writes nothing.
    public func update(_ id: UUID, _ changes: APIKeyChanges, actor: String) async throws -> APIKey? {
        try await pool.transaction { connection -> APIKey? in
            guard let before = try await Self.read(id, on: connection, forUpdate: true) else { return nil }
            let settings = try changes.applied(to: before.settings)
            guard settings != before.settings else { return before }
            let models = try settings.allowedModels.map { try PostgresJSON(encoding: $0) }
            let scopes = try PostgresJSON(encoding: settings.scopes)
            try await connection.execute("""
                UPDATE api_keys
                SET name = \(settings.name), budget_micros = \(settings.budgetMicros),
                    budget_period = \(settings.budgetPeriod.rawValue), allowed_models = \(models),
                    expires_at = \(settings.expiresAt), max_concurrent_tasks = \(settings.maxConcurrentTasks),
                    rpm_limit = \(settings.rpmLimit), scopes = \(scopes), day_budget_micros = \(settings.dayBudgetMicros),
                    week_budget_micros = \(settings.weekBudgetMicros), month_budget_micros = \(settings.monthBudgetMicros), updated_at = now()
                WHERE id = \(id)
                """)
            try await AlertEvents.afterMoneyMove(tenantID: before.tenantID, keyID: id, includeTenant: false, on: connection)
            let after = try await Self.read(id, on: connection).expected("api key read")
            try await AuditLog.record(actor: actor, action: "api_key.update", resourceType: "api_key",
                                      resourceID: id.text, before: before, after: after, on: connection)
            return after
        }
    }

    /// Revokes a key from the next request on; revoking it again changes nothing. nil: no such key.
    public func revoke(_ id: UUID, actor: String) async throws -> APIKey? {
        try await pool.transaction { connection -> APIKey? in
            guard let before = try await Self.read(id, on: connection, forUpdate: true) else { return nil }
            guard before.revokedAt == nil else { return before }
            try await connection.execute("UPDATE api_keys SET revoked_at = now(), updated_at = now() WHERE id = \(id)")
            let after = try await Self.read(id, on: connection).expected("api key read")
            try await AuditLog.record(actor: actor, action: "api_key.revoke", resourceType: "api_key",
                                      resourceID: id.text, before: before, after: after, on: connection)
            return after
        }
    }

    /// A key row alone is locked here: taking no tenant lock keeps the tenant-then-key order safe.
    static func read(_ id: UUID, on connection: PostgresConnection, forUpdate: Bool = false) async throws -> APIKey? {
        let query = APIKey.select + "WHERE k.id = \(id)" + (forUpdate ? " FOR UPDATE OF k" : "")
        guard let key = try await connection.queryFirst(query).map(APIKey.init(row:)) else { return nil }
        return try await withBudgets(key, on: connection)
    }

    static func withBudgets(_ key: APIKey, on connection: PostgresConnection) async throws -> APIKey {
        var key = key
        key.budgets = try await BudgetUsage.statuses(key.settings.budgets, subject: key.id, reserved: key.reservedMicros,
                                                     zoneName: key.timeZone, on: connection)
        return key
    }
}
