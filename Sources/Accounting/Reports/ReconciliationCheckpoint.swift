import Foundation
import Postgres

/// The stored checkpoint of the incremental reconcile (sql/015): a horizon before which every ledger
/// row is final, and those rows' sums per subject and month. Moved only after a run that found nothing.
enum ReconciliationCheckpoint {
    /// After a clean incremental run from `since` (add the rows of [since, horizon) to the sums), or a
    /// clean full run (`since` nil: the sums again from the whole ledger before `horizon`).
    /// Runs at once are serialized by an advisory lock; one that finds the checkpoint moved leaves it.
    static func advance(from since: Date?, to horizon: Date, on pool: PostgresPool) async throws {
        try await pool.transaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(hashtext('omnimeter.reconcile_checkpoint'))")
            let current = try await connection.queryFirst("SELECT horizon FROM reconcile_checkpoint")?.decode(Date.self, "horizon")
            if let since {
                guard current == since, horizon > since else { return }
                try await connection.execute("""
                    INSERT INTO reconcile_ledger_sums AS s (subject_id, month, credits_micros, charged_micros, reserved_micros, granted_micros)
                    SELECT subject_id, month, credits, charged, reserved, granted FROM ledger_subject_deltas(\(since), \(horizon))
                    ON CONFLICT (subject_id, month) DO UPDATE SET
                        credits_micros = s.credits_micros + EXCLUDED.credits_micros, charged_micros = s.charged_micros + EXCLUDED.charged_micros,
                        reserved_micros = s.reserved_micros + EXCLUDED.reserved_micros, granted_micros = s.granted_micros + EXCLUDED.granted_micros
                    """)
                try await connection.execute("UPDATE reconcile_checkpoint SET horizon = \(horizon), full_check = false, checked_at = now()")
                return
            }
            if let current, current >= horizon { return }
            try await connection.execute("DELETE FROM reconcile_ledger_sums")
            try await connection.execute("""
                INSERT INTO reconcile_ledger_sums (subject_id, month, credits_micros, charged_micros, reserved_micros, granted_micros)
                SELECT s.subject, date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date,
                       sum(CASE WHEN e.kind IN ('credit', 'adjustment') THEN e.amount_micros ELSE 0 END),
                       sum(CASE WHEN e.kind IN ('charge', 'late_charge') THEN e.amount_micros ELSE 0 END),
                       sum(CASE e.kind WHEN 'reserve' THEN e.amount_micros WHEN 'charge' THEN -e.amount_micros
                                       WHEN 'release' THEN -e.amount_micros ELSE 0 END),
                       sum(CASE e.kind WHEN 'grant' THEN e.amount_micros WHEN 'grant_expire' THEN -e.amount_micros
                                       WHEN 'grant_void' THEN -e.amount_micros ELSE 0 END)
                FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
                WHERE s.subject IS NOT NULL AND e.created_at < \(horizon)
                GROUP BY 1, 2
                """)
            try await connection.execute("""
                INSERT INTO reconcile_checkpoint (horizon, full_check) VALUES (\(horizon), true)
                ON CONFLICT (singleton) DO UPDATE SET horizon = EXCLUDED.horizon, full_check = true, checked_at = now()
                """)
        }
    }
}
