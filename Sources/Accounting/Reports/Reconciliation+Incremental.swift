import Foundation
import Postgres

/// Reconcile from a stored checkpoint (docs/money.md, "Reconcile"): every check keeps its meaning, but a
/// normal run reads only what is new since the checkpoint (tasks made, ended or given ledger rows; ledger
/// rows written) plus the stored ledger sums, which stand for everything before it. `full` reads everything.
/// Rows changed in place before the checkpoint (which the product never does) are only seen by a full run.
extension Reconciliation {
    /// The checks as `/admin/v1/reconcile` runs them. With no checkpoint yet, or `full`, every row is
    /// checked. A run that finds nothing moves the checkpoint to the start of the oldest transaction
    /// that was open when it began: every ledger row before that is final.
    public func run(full: Bool) async throws -> ReconciliationReport {
        // measured before the snapshot is taken: any transaction that began before it had ended by then
        let horizon = try await pool.queryFirst("""
            SELECT least(now(), min(xact_start)) AS horizon FROM pg_stat_activity
            WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
            """).expected("reconcile horizon").decode(Date.self, "horizon")
        let (report, since) = try await pool.transaction(.repeatableRead, maxAttempts: 1) { connection -> (ReconciliationReport, Date?) in
            try await connection.execute("SET TRANSACTION READ ONLY")
            let since = full ? nil : try await connection.queryFirst("SELECT horizon FROM reconcile_checkpoint")?.decode(Date.self, "horizon")
            if let since {
                // small reads with large estimates: compiling them (JIT) would cost more than running them
                try await connection.execute("SET LOCAL jit = off")
                return (try await Self.run(since: since, on: connection), since)
            }
            return (try await Self.run(on: connection), nil)
        }
        var result = report
        result.full = since == nil
        if report.ok { try await ReconciliationCheckpoint.advance(from: since, to: horizon, on: pool) }
        return result
    }

    /// Every check, reading only what changed since `since` where that is what makes it slow.
    static func run(since: Date, on connection: PostgresConnection) async throws -> ReconciliationReport {
        let incremental = incrementalOffenders(since: since)
        var results: [ReconciliationCheck] = []
        for check in checks {
            results.append(try await Self.check(check.name, incremental[check.name] ?? check.offenders, on: connection))
        }
        return ReconciliationReport(ok: results.allSatisfy(\.ok), checks: results)
    }

    /// The checks' queries restricted to what is new. Checks not named here are cheap already and run whole.
    static func incrementalOffenders(since: Date) -> [String: PostgresQuery] {
        let changedLedger: PostgresQuery = """
            WITH changed AS MATERIALIZED (SELECT id FROM tasks_changed_since(\(since))),
            task_ledger AS (
                SELECT e.task_id,
                       sum(e.amount_micros) FILTER (WHERE e.kind = 'reserve') AS reserved,
                       sum(e.amount_micros) FILTER (WHERE e.kind = 'charge') AS charged,
                       sum(e.amount_micros) FILTER (WHERE e.kind = 'release') AS released,
                       sum(e.amount_micros) FILTER (WHERE e.kind = 'late_charge') AS late_charged
                FROM changed c JOIN ledger_entries e ON e.task_id = c.id GROUP BY e.task_id
            )
            """
        let sums: PostgresQuery = "ledger_subject_sums(\(since))"
        return [
            "tenant_balances_match_ledger": """
                SELECT format('tenant %s: cached credits %s, charged %s, reserved %s; ledger %s, %s, %s',
                              t.id, t.credits_micros, t.charged_micros, t.reserved_micros,
                              COALESCE(l.credits, 0), COALESCE(l.charged, 0), COALESCE(l.reserved, 0)) AS example
                FROM tenants t
                LEFT JOIN (SELECT subject_id, sum(credits) AS credits, sum(charged) AS charged, sum(reserved) AS reserved
                           FROM
                """ + " " + sums + " " + """
                GROUP BY 1) l ON l.subject_id = t.id
                WHERE (t.credits_micros, t.charged_micros, t.reserved_micros)
                      <> (COALESCE(l.credits, 0), COALESCE(l.charged, 0), COALESCE(l.reserved, 0))
                """,
            "key_balances_match_ledger": """
                SELECT format('key %s: cached charged %s, reserved %s; ledger %s, %s',
                              k.id, k.charged_micros, k.reserved_micros, COALESCE(l.charged, 0), COALESCE(l.reserved, 0)) AS example
                FROM api_keys k
                LEFT JOIN (SELECT subject_id, sum(charged) AS charged, sum(reserved) AS reserved FROM
                """ + " " + sums + " " + """
                GROUP BY 1) l ON l.subject_id = k.id
                WHERE (k.charged_micros, k.reserved_micros) <> (COALESCE(l.charged, 0), COALESCE(l.reserved, 0))
                """,
            "monthly_charges_match_ledger": "WITH ledger AS (SELECT subject_id AS subject, month, charged FROM " + sums + """
                 WHERE charged <> 0)
                SELECT format('subject %s, month %s: monthly_charges %s, ledger %s',
                              COALESCE(m.subject_id, l.subject), to_char(COALESCE(m.month, l.month), 'YYYY-MM'),
                              COALESCE(m.charged_micros, 0), COALESCE(l.charged, 0)) AS example
                FROM monthly_charges m
                FULL JOIN ledger l ON l.subject = m.subject_id AND l.month = m.month
                WHERE COALESCE(m.charged_micros, 0) <> COALESCE(l.charged, 0)
                """,
            "ended_tasks_resolved": changedLedger + "\n" + """
                SELECT format('task %s (%s): reserved %s, charged %s + released %s; ledger reserve %s, charge %s, release %s',
                              t.id, t.state, t.reserved_micros, t.charged_micros, t.released_micros,
                              COALESCE(l.reserved, 0), COALESCE(l.charged, 0), COALESCE(l.released, 0)) AS example
                FROM changed c
                JOIN tasks t ON t.id = c.id
                LEFT JOIN task_ledger l ON l.task_id = t.id
                WHERE t.ended_at IS NOT NULL
                  AND (t.charged_micros + t.released_micros <> t.reserved_micros
                       OR COALESCE(l.reserved, 0) <> COALESCE(l.charged, 0) + COALESCE(l.released, 0))
                """,
            "charges_within_reservation": changedLedger + "\n" + """
                SELECT format('task %s: ledger reserve %s, charge %s, release %s, late charge %s',
                              l.task_id, COALESCE(l.reserved, 0), COALESCE(l.charged, 0), COALESCE(l.released, 0),
                              COALESCE(l.late_charged, 0)) AS example
                FROM task_ledger l
                WHERE COALESCE(l.charged, 0) + COALESCE(l.released, 0) > COALESCE(l.reserved, 0)
                   OR COALESCE(l.late_charged, 0) > COALESCE(l.reserved, 0)
                """,
            "task_money_matches_ledger": changedLedger + "\n" + """
                SELECT format('task %s: reserved %s, charged %s, released %s, late charged %s; ledger %s, %s, %s, %s',
                              t.id, t.reserved_micros, t.charged_micros, t.released_micros, t.late_charged_micros,
                              l.reserved, COALESCE(l.charged, 0), COALESCE(l.released, 0), COALESCE(l.late_charged, 0)) AS example
                FROM changed c
                JOIN tasks t ON t.id = c.id
                LEFT JOIN task_ledger l ON l.task_id = t.id
                WHERE (t.reserved_micros, t.charged_micros, t.released_micros, t.late_charged_micros)
                      IS DISTINCT FROM (l.reserved, COALESCE(l.charged, 0), COALESCE(l.released, 0), COALESCE(l.late_charged, 0))
                """,
            "ledger_task_rows_belong_to_their_task": """
                SELECT format('ledger entry %s (%s %s) for task %s: %s', e.id, e.kind, e.amount_micros, e.task_id,
                              CASE WHEN t.id IS NULL THEN 'no such task' ELSE 'task belongs to another tenant or key' END) AS example
                FROM ledger_rows_since(\(since)) e
                LEFT JOIN tasks t ON t.id = e.task_id
                WHERE e.task_id IS NOT NULL
                  AND (t.id IS NULL OR t.tenant_id <> e.tenant_id OR t.key_id IS DISTINCT FROM e.key_id)
                """,
            "grants_fund_only_their_models": """
                SELECT format('task %s (%s) held %s on grant %s, which allows %s', h.task_id, h.model, h.held_micros, g.id, g.models::text) AS example
                FROM funding_holds h
                JOIN credit_grants g ON g.id = h.grant_id
                WHERE h.grant_id IS NOT NULL AND g.models IS NOT NULL AND NOT (g.models ? h.model)
                """,
            "holds_match_reservations": """
                SELECT format('tenant %s: open holds %s, reserved %s', t.id, COALESCE(h.open, 0), t.reserved_micros) AS example
                FROM tenants t
                LEFT JOIN (SELECT tenant_id, sum(held_micros) AS open FROM funding_holds WHERE charged_micros IS NULL GROUP BY tenant_id) h
                    ON h.tenant_id = t.id
                WHERE COALESCE(h.open, 0) <> t.reserved_micros
                UNION ALL
                SELECT format('task %s (%s): reserved %s, charged %s, released %s; holds %s, charged %s, released %s, open %s',
                              t.id, t.state, t.reserved_micros, t.charged_micros, t.released_micros, h.held, h.charged, h.released, h.open)
                FROM tasks t
                JOIN (SELECT f.task_id, sum(f.held_micros) AS held, COALESCE(sum(f.charged_micros), 0) AS charged,
                             COALESCE(sum(f.released_micros), 0) AS released, count(*) FILTER (WHERE f.charged_micros IS NULL) AS open
                      FROM tasks_changed_since(\(since)) c JOIN funding_holds f ON f.task_id = c.id GROUP BY f.task_id) h ON h.task_id = t.id
                WHERE h.held <> t.reserved_micros
                   OR (t.state IN ('reserved', 'submitted', 'processing')) <> (h.open > 0)
                   OR (t.ended_at IS NOT NULL AND (h.charged, h.released) <> (t.charged_micros, t.released_micros))
                """,
            "tenant_grants_match_ledger": """
                SELECT format('tenant %s: cached granted %s, ledger %s', t.id, t.granted_micros, COALESCE(l.granted, 0)) AS example
                FROM tenants t
                LEFT JOIN (SELECT subject_id, sum(granted) AS granted FROM
                """ + " " + sums + " " + """
                GROUP BY 1) l ON l.subject_id = t.id
                WHERE t.granted_micros <> COALESCE(l.granted, 0)
                """,
            "daily_charges_match_ledger": "WITH ledger AS (SELECT subject_id AS subject, sum(charged) AS charged FROM " + sums + """
                 GROUP BY 1 HAVING sum(charged) <> 0),
                daily AS (SELECT subject_id, sum(charged_micros) AS charged FROM daily_charges GROUP BY 1)
                SELECT format('subject %s: daily_charges %s, ledger %s', COALESCE(d.subject_id, l.subject), COALESCE(d.charged, 0),
                              COALESCE(l.charged, 0)) AS example
                FROM daily d FULL JOIN ledger l ON l.subject = d.subject_id
                WHERE COALESCE(d.charged, 0) <> COALESCE(l.charged, 0)
                """,
            "usage_daily_matches_tasks": rollupOffenders(days: """
                SELECT DISTINCT (ended_at AT TIME ZONE 'UTC')::date AS day FROM tasks WHERE ended_at >= \(since)
                """),
            "statement_rollup_matches_ledger": statementRollupOffenders(pairs: statementPairs(since: since)),
            "ended_tasks_have_cost": """
                SELECT format('task %s (%s) ended at %s without cost_micros', id, state, ended_at) AS example
                FROM tasks WHERE ended_at >= \(since) AND cost_micros IS NULL
                """,
        ]
    }
}
