import Foundation
import Postgres

/// The only way money moves: one immutable ledger row, and in the same statement the cached
/// balances of the tenant and key and the monthly and daily charge totals it affects (daily rows are
/// local days in the tenant's time_zone, for budget windows). Always called inside the caller's
/// transaction, beside the state change that causes the movement (docs/money.md, invariant 1).
///
/// Callers lock the tenant row, then the key row, before calling (the one fixed lock order).
public enum Ledger {
    @discardableResult
    public static func append(_ entry: LedgerEntry, on connection: PostgresConnection) async throws -> Int64 {
        let row = try await connection.queryFirst(statement(entry))
        guard let row, try row.decode(Int64.self, "tenants") == 1 else {
            throw PostgresError(.usage, message: "ledger entry for unknown tenant \(entry.tenantID)")
        }
        return try row.decode(Int64.self, "id")
    }

    /// `append` queued to go with the transaction's next round trip (often its COMMIT), for callers that
    /// hold the tenant's row lock: the tenant it updates is then known to exist, so no answer is read.
    static func appendLater(_ entry: LedgerEntry, on connection: PostgresConnection) async throws {
        try await connection.later(statement(entry))
    }

    static func statement(_ entry: LedgerEntry) -> PostgresQuery {
        precondition(entry.kind == .adjustment || entry.amountMicros >= 0, "only adjustments may be negative")
        let deltas = entry.balanceDeltas
        let charged = deltas.charged
        let granted = entry.grantedDelta
        // One round trip: the row, the caches, and this month's charge totals for tenant and key.
        return """
            WITH entry AS (
                INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros, reason, idempotency_key, actor, grant_id)
                VALUES (\(entry.tenantID), \(entry.keyID), \(entry.taskID), \(entry.kind.rawValue), \(entry.amountMicros),
                        \(entry.reason), \(entry.idempotencyKey), \(entry.actor), \(entry.grantID))
                RETURNING id, created_at
            ), tenant AS (
                UPDATE tenants
                SET credits_micros = credits_micros + \(deltas.credits),
                    charged_micros = charged_micros + \(charged),
                    reserved_micros = reserved_micros + \(deltas.reserved),
                    granted_micros = granted_micros + \(granted)
                WHERE id = \(entry.tenantID)
                RETURNING id
            ), key AS (
                UPDATE api_keys
                SET charged_micros = charged_micros + \(charged),
                    reserved_micros = reserved_micros + \(deltas.reserved)
                WHERE id = \(entry.keyID) AND (\(charged) <> 0 OR \(deltas.reserved) <> 0)
                RETURNING id
            ), month AS (
                INSERT INTO monthly_charges (subject_id, month, charged_micros)
                SELECT subject, date_trunc('month', entry.created_at AT TIME ZONE 'UTC')::date, \(charged)
                FROM entry, unnest(ARRAY[\(entry.tenantID), \(entry.keyID)]::uuid[]) AS subject
                WHERE \(charged) <> 0 AND subject IS NOT NULL
                ON CONFLICT (subject_id, month) DO UPDATE SET charged_micros = monthly_charges.charged_micros + EXCLUDED.charged_micros
                RETURNING subject_id
            ), day AS (
                INSERT INTO daily_charges (subject_id, day, charged_micros)
                SELECT subject, (entry.created_at AT TIME ZONE zone.time_zone)::date, \(charged)
                FROM entry, (SELECT time_zone FROM tenants WHERE id = \(entry.tenantID)) AS zone,
                     unnest(ARRAY[\(entry.tenantID), \(entry.keyID)]::uuid[]) AS subject
                WHERE \(charged) <> 0 AND subject IS NOT NULL
                ON CONFLICT (subject_id, day) DO UPDATE SET charged_micros = daily_charges.charged_micros + EXCLUDED.charged_micros
                RETURNING subject_id
            )
            SELECT entry.id, (SELECT count(*) FROM tenant) AS tenants FROM entry
            """
    }
}
