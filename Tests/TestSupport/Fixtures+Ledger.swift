import Foundation
import Postgres
import Testing

/// What a tenant's balance is, read two ways that must always agree: the cached columns and the ledger.
extension Fixtures {
    public struct Balance: Equatable, Sendable, CustomStringConvertible {
        public var credits: Int64, charged: Int64, reserved: Int64

        public init(credits: Int64, charged: Int64, reserved: Int64) {
            self.credits = credits
            self.charged = charged
            self.reserved = reserved
        }

        public var description: String { "credits \(credits), charged \(charged), reserved \(reserved)" }
    }

    /// The cached balance columns.
    public static func balance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        let row = try #require(try await pool.queryFirst("SELECT credits_micros, charged_micros, reserved_micros FROM tenants WHERE id = \(tenantID)"))
        let (credits, charged, reserved) = try row.decode((Int64, Int64, Int64).self)
        return Balance(credits: credits, charged: charged, reserved: reserved)
    }

    /// The same balance computed from the ledger alone.
    public static func ledgerBalance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        let row = try #require(try await pool.queryFirst("""
            SELECT COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('credit', 'adjustment')), 0)::bigint AS credits,
                   COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0)::bigint AS charged,
                   (COALESCE(sum(amount_micros) FILTER (WHERE kind = 'reserve'), 0)
                    - COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'release')), 0))::bigint AS reserved
            FROM ledger_entries WHERE tenant_id = \(tenantID)
            """))
        let (credits, charged, reserved) = try row.decode((Int64, Int64, Int64).self)
        return Balance(credits: credits, charged: charged, reserved: reserved)
    }

    /// The ledger rows of one task, kind → amount; fails the test if a kind appears twice.
    public static func ledgerKinds(_ pool: PostgresPool, taskID: UUID) async throws -> [String: Int64] {
        var kinds: [String: Int64] = [:]
        for row in try await pool.query("SELECT kind, amount_micros FROM ledger_entries WHERE task_id = \(taskID)") {
            let (kind, amount) = try row.decode((String, Int64).self)
            #expect(kinds[kind] == nil, "two \(kind) rows for one task")
            kinds[kind] = amount
        }
        return kinds
    }

    /// The same, for a task id as the API answers it.
    public static func ledgerKinds(_ pool: PostgresPool, taskID: String) async throws -> [String: Int64] {
        try await ledgerKinds(pool, taskID: try #require(UUID(uuidString: taskID)))
    }

    /// The charge and late-charge ledger rows of these tasks, summed.
    public static func ledgerCharged(_ pool: PostgresPool, tasks: [UUID]) async throws -> Int64 {
        var total: Int64 = 0
        for id in tasks {
            let row = try #require(try await pool.queryFirst("""
                SELECT COALESCE(sum(amount_micros), 0)::bigint AS charged FROM ledger_entries
                WHERE task_id = \(id) AND kind IN ('charge', 'late_charge')
                """))
            total += try row.decode(Int64.self, "charged")
        }
        return total
    }
}
