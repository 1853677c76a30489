import Accounting
import Foundation
import Postgres

/// This target's spelling of the shared fixtures (Tests/TestSupport): tenants as (secret, tenantID, keyID).
enum Database {
    static func url() throws -> String { try TestDatabase.url() }
    static func adminURL() throws -> String { try TestDatabase.adminURL() }
    static func urlOf(_ name: String) throws -> String { try TestDatabase.urlOf(name) }
    static func fresh() async throws -> (name: String, url: String) { try await TestDatabase.fresh() }
    static func drop(_ name: String) async { await TestDatabase.drop(name) }

    /// A tenant with credit and one key, made through the stores; returns the key's secret and ids.
    static func tenant(_ pool: PostgresPool, credits: Int64, creditLimit: Int64 = 0, keyConcurrency: Int? = nil,
                       callbackURL: String? = nil) async throws -> (secret: String, tenantID: UUID, keyID: UUID) {
        let made = try await Fixtures.tenantWithSecret(pool, keyName: "key", credits: credits,
                                                       limits: Fixtures.Limits(creditLimit: creditLimit, keyConcurrency: keyConcurrency),
                                                       callbackURL: callbackURL)
        return (made.secret, made.key.tenantID, made.key.keyID)
    }

    typealias Balance = Fixtures.Balance

    static func balance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        try await Fixtures.balance(pool, tenantID)
    }

    /// The same, from the ledger alone: the two must always agree.
    static func ledgerBalance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        try await Fixtures.ledgerBalance(pool, tenantID)
    }

    /// The ledger rows of one task, kind → amount; fails the test if a kind appears twice.
    static func ledgerKinds(_ pool: PostgresPool, taskID: String) async throws -> [String: Int64] {
        try await Fixtures.ledgerKinds(pool, taskID: taskID)
    }
}
