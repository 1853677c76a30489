import Accounting
import Foundation
import Postgres

/// Tenants and keys made the way the product makes them: through `TenantStore`, `CreditStore` and
/// `APIKeyStore` (audited, with their ledger rows), on the migrated test database.
public enum Fixtures {
    /// The run's shared pool (no `max`), or a pool of its own with `max` connections.
    public static func pool(max: Int? = nil) async throws -> PostgresPool {
        try await TestDatabase.pool(max: max, acquireTimeout: .seconds(60))
    }

    /// A migrated database of its own, for checks over the whole database (reconciliation), which other
    /// tests, writing to the shared database at the same time, may break on purpose.
    public static func privateDatabase() async throws -> (pool: PostgresPool, drop: @Sendable () async -> Void) {
        try await TestDatabase.migratedScratchDatabase(prefix: "omnimeter_reports")
    }

    public static var repository: URL { TestDatabase.repository }

    /// A tenant with one key, both named as given, and `credits` micros of credit (a top-up).
    public static func tenant(_ pool: PostgresPool, name: String? = nil, keyName: String = "test key", credits: Int64 = 100_000_000,
                              limits: Limits = Limits(), callbackURL: String? = nil) async throws -> AuthenticatedKey {
        try await tenantWithSecret(pool, name: name, keyName: keyName, credits: credits, limits: limits, callbackURL: callbackURL).key
    }

    /// The same, with the key's secret (`omk_…`) for calls over HTTP.
    public static func tenantWithSecret(_ pool: PostgresPool, name: String? = nil, keyName: String = "test key", credits: Int64 = 100_000_000,
                                        limits: Limits = Limits(), callbackURL: String? = nil) async throws -> (key: AuthenticatedKey, secret: String) {
        let settings = TenantSettings(name: name ?? "tenant \(UUID().uuidString.prefix(8))", creditLimitMicros: limits.creditLimit,
                                      monthlyBudgetMicros: limits.monthlyBudget, maxConcurrentTasks: limits.tenantConcurrency,
                                      rpmLimit: limits.tenantRPM, callbackURL: callbackURL)
        let tenant = try await TenantStore(pool: pool).create(settings, actor: "test")
        if credits > 0 {
            _ = try await CreditStore(pool: pool).add(tenantID: tenant.id, amountMicros: credits, reason: "test", idempotencyKey: nil, actor: "test")
        }
        return try await keyWithSecret(pool, tenantID: tenant.id, tenantName: tenant.settings.name, name: keyName, limits: limits)
    }

    /// Another key of a tenant.
    public static func key(_ pool: PostgresPool, tenantID: UUID, tenantName: String, name: String) async throws -> AuthenticatedKey {
        try await keyWithSecret(pool, tenantID: tenantID, tenantName: tenantName, name: name).key
    }

    /// Another key of a tenant, with the key limits of `limits`, and its secret.
    public static func keyWithSecret(_ pool: PostgresPool, tenantID: UUID, tenantName: String, name: String,
                                     limits: Limits = Limits()) async throws -> (key: AuthenticatedKey, secret: String) {
        guard let period = BudgetPeriod(rawValue: limits.keyBudgetPeriod) else {
            throw TestSetupError("keyBudgetPeriod: no such period \(limits.keyBudgetPeriod)")
        }
        let settings = APIKeySettings(name: name, budgetMicros: limits.keyBudget, budgetPeriod: period, allowedModels: limits.allowedModels,
                                      maxConcurrentTasks: limits.keyConcurrency, rpmLimit: limits.keyRPM)
        guard let made = try await APIKeyStore(pool: pool).create(tenantID: tenantID, settings, actor: "test") else {
            throw TestSetupError("no tenant \(tenantID) for a key")
        }
        return (AuthenticatedKey(keyID: made.key.id, keyName: name, tenantID: tenantID, tenantName: tenantName, tenantSuspended: false,
                                 allowedModels: limits.allowedModels), made.secret)
    }
}
