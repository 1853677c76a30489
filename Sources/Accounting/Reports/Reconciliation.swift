import Foundation
import Postgres

/// The outcome of one invariant check.
public struct ReconciliationCheck: Sendable, Encodable {
    public struct Detail: Sendable, Encodable {
        /// How many rows break the invariant.
        public var count: Int64
        /// Up to ten of them, described.
        public var examples: [String]
    }

    public var name: String
    public var ok: Bool
    public var detail: Detail
}

/// `{ok, checks:[{name, ok, detail}]}`: ok when every check is.
public struct ReconciliationReport: Sendable, Encodable {
    public var ok: Bool
    public var checks: [ReconciliationCheck]
    /// Set by `run(full:)`: whether every row was checked, or only what is new since the stored checkpoint.
    public var full: Bool?
}

/// The ledger invariants (docs/money.md, "Invariants"), checked now. Each check is one query that returns the rows
/// breaking it, described; all run in one read-only REPEATABLE READ transaction, so they see one
/// snapshot and concurrent traffic cannot make a consistent database look broken.
public struct Reconciliation: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func run() async throws -> ReconciliationReport {
        try await pool.transaction(.repeatableRead, maxAttempts: 1) { connection in
            try await connection.execute("SET TRANSACTION READ ONLY")
            return try await Self.run(on: connection)
        }
    }

    /// Runs the checks on a connection the caller holds (inside its own transaction, if it wants one snapshot).
    public static func run(on connection: PostgresConnection) async throws -> ReconciliationReport {
        var results: [ReconciliationCheck] = []
        for check in checks {
            results.append(try await Self.check(check.name, check.offenders, on: connection))
        }
        return ReconciliationReport(ok: results.allSatisfy(\.ok), checks: results)
    }

    /// One check: how many rows its query returns, and the first ten.
    static func check(_ name: String, _ offenders: PostgresQuery, on connection: PostgresConnection) async throws -> ReconciliationCheck {
        let rows = try await connection.query(
            "SELECT count(*) OVER () AS offending, example FROM (\n" + offenders + "\n) AS offenders ORDER BY example LIMIT 10")
        let count = try rows.first?.decode(Int64.self, "offending") ?? 0
        let examples = try rows.map { try $0.decode(String.self, "example") }
        return ReconciliationCheck(name: name, ok: count == 0, detail: .init(count: count, examples: examples))
    }

    struct Check: Sendable {
        var name: String
        /// A query of one text column, `example`: one row per breach.
        var offenders: PostgresQuery
    }

    /// Each task's ledger rows side by side. The ledger holds at most one row per task and kind (a unique
    /// index), so each sum is that row's amount, or NULL when there is none.
    static let taskLedger: PostgresQuery = """
        WITH task_ledger AS (
            SELECT task_id,
                   sum(amount_micros) FILTER (WHERE kind = 'reserve') AS reserved,
                   sum(amount_micros) FILTER (WHERE kind = 'charge') AS charged,
                   sum(amount_micros) FILTER (WHERE kind = 'release') AS released,
                   sum(amount_micros) FILTER (WHERE kind = 'late_charge') AS late_charged
            FROM ledger_entries WHERE task_id IS NOT NULL GROUP BY task_id
        )
        """

    static let checks: [Check] = [
        Check(name: "tenant_balances_match_ledger", offenders: """
            SELECT format('tenant %s: cached credits %s, charged %s, reserved %s; ledger %s, %s, %s',
                          t.id, t.credits_micros, t.charged_micros, t.reserved_micros,
                          COALESCE(l.credits, 0), COALESCE(l.charged, 0), COALESCE(l.reserved, 0)) AS example
            FROM tenants t
            LEFT JOIN (
                SELECT tenant_id,
                       sum(amount_micros) FILTER (WHERE kind IN ('credit', 'adjustment')) AS credits,
                       sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')) AS charged,
                       sum(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'charge' THEN -amount_micros
                                     WHEN 'release' THEN -amount_micros ELSE 0 END) AS reserved
                FROM ledger_entries GROUP BY tenant_id
            ) l ON l.tenant_id = t.id
            WHERE (t.credits_micros, t.charged_micros, t.reserved_micros)
                  <> (COALESCE(l.credits, 0), COALESCE(l.charged, 0), COALESCE(l.reserved, 0))
            """),
        Check(name: "key_balances_match_ledger", offenders: """
            SELECT format('key %s: cached charged %s, reserved %s; ledger %s, %s',
                          k.id, k.charged_micros, k.reserved_micros, COALESCE(l.charged, 0), COALESCE(l.reserved, 0)) AS example
            FROM api_keys k
            LEFT JOIN (
                SELECT key_id,
                       sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')) AS charged,
                       sum(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'charge' THEN -amount_micros
                                     WHEN 'release' THEN -amount_micros ELSE 0 END) AS reserved
                FROM ledger_entries WHERE key_id IS NOT NULL GROUP BY key_id
            ) l ON l.key_id = k.id
            WHERE (k.charged_micros, k.reserved_micros) <> (COALESCE(l.charged, 0), COALESCE(l.reserved, 0))
            """),
        Check(name: "monthly_charges_match_ledger", offenders: """
            WITH ledger AS (
                SELECT subject, date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date AS month, sum(e.amount_micros) AS charged
                FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
                WHERE e.kind IN ('charge', 'late_charge') AND subject IS NOT NULL
                GROUP BY 1, 2
            )
            SELECT format('subject %s, month %s: monthly_charges %s, ledger %s',
                          COALESCE(m.subject_id, l.subject), to_char(COALESCE(m.month, l.month), 'YYYY-MM'),
                          COALESCE(m.charged_micros, 0), COALESCE(l.charged, 0)) AS example
            FROM monthly_charges m
            FULL JOIN ledger l ON l.subject = m.subject_id AND l.month = m.month
            WHERE COALESCE(m.charged_micros, 0) <> COALESCE(l.charged, 0)
            """),
        Check(name: "ended_tasks_resolved", offenders: taskLedger + "\n" + """
            SELECT format('task %s (%s): reserved %s, charged %s + released %s; ledger reserve %s, charge %s, release %s',
                          t.id, t.state, t.reserved_micros, t.charged_micros, t.released_micros,
                          COALESCE(l.reserved, 0), COALESCE(l.charged, 0), COALESCE(l.released, 0)) AS example
            FROM tasks t
            LEFT JOIN task_ledger l ON l.task_id = t.id
            WHERE t.ended_at IS NOT NULL
              AND (t.charged_micros + t.released_micros <> t.reserved_micros
                   OR COALESCE(l.reserved, 0) <> COALESCE(l.charged, 0) + COALESCE(l.released, 0))
            """),
        // Open tasks are few and indexed: look up each one's ledger rows instead of summing the whole ledger.
        Check(name: "open_tasks_hold_their_reservation", offenders: """
            SELECT format('task %s (%s): reserved %s; ledger reserve %s, charge %s, release %s, late charge %s',
                          t.id, t.state, t.reserved_micros, l.reserved, l.charged, l.released, l.late_charged) AS example
            FROM tasks t
            CROSS JOIN LATERAL (
                SELECT sum(amount_micros) FILTER (WHERE kind = 'reserve') AS reserved,
                       sum(amount_micros) FILTER (WHERE kind = 'charge') AS charged,
                       sum(amount_micros) FILTER (WHERE kind = 'release') AS released,
                       sum(amount_micros) FILTER (WHERE kind = 'late_charge') AS late_charged
                FROM ledger_entries WHERE task_id = t.id
            ) l
            WHERE t.ended_at IS NULL AND t.state IN ('reserved', 'submitted', 'processing')
              AND (l.reserved IS DISTINCT FROM t.reserved_micros
                   OR l.charged IS NOT NULL OR l.released IS NOT NULL OR l.late_charged IS NOT NULL
                   OR t.charged_micros <> 0 OR t.released_micros <> 0 OR t.late_charged_micros <> 0)
            """),
        // An open task missing from the poll queue would never be polled or expired, and would hold its
        // reservation for ever; a queue row of an ended task is polled for nothing.
        Check(name: "open_tasks_are_in_the_poll_queue", offenders: """
            SELECT format('task %s (%s): not in the poll queue', t.id, t.state) AS example
            FROM tasks t
            WHERE t.ended_at IS NULL AND t.state IN ('reserved', 'submitted', 'processing')
              AND NOT EXISTS (SELECT 1 FROM task_polls p WHERE p.task_id = t.id)
            UNION ALL
            SELECT format('task %s (%s): in the poll queue, but not open', t.id, t.state)
            FROM task_polls p JOIN tasks t ON t.id = p.task_id
            WHERE t.state NOT IN ('reserved', 'submitted', 'processing')
            """),
        Check(name: "charges_within_reservation", offenders: taskLedger + "\n" + """
            SELECT format('task %s: ledger reserve %s, charge %s, release %s, late charge %s',
                          l.task_id, COALESCE(l.reserved, 0), COALESCE(l.charged, 0), COALESCE(l.released, 0),
                          COALESCE(l.late_charged, 0)) AS example
            FROM task_ledger l
            WHERE COALESCE(l.charged, 0) + COALESCE(l.released, 0) > COALESCE(l.reserved, 0)
               OR COALESCE(l.late_charged, 0) > COALESCE(l.reserved, 0)
            """),
        Check(name: "task_money_matches_ledger", offenders: taskLedger + "\n" + """
            SELECT format('task %s: reserved %s, charged %s, released %s, late charged %s; ledger %s, %s, %s, %s',
                          t.id, t.reserved_micros, t.charged_micros, t.released_micros, t.late_charged_micros,
                          l.reserved, COALESCE(l.charged, 0), COALESCE(l.released, 0), COALESCE(l.late_charged, 0)) AS example
            FROM tasks t
            LEFT JOIN task_ledger l ON l.task_id = t.id
            WHERE (t.reserved_micros, t.charged_micros, t.released_micros, t.late_charged_micros)
                  IS DISTINCT FROM (l.reserved, COALESCE(l.charged, 0), COALESCE(l.released, 0), COALESCE(l.late_charged, 0))
            """),
        Check(name: "ledger_task_rows_belong_to_their_task", offenders: """
            SELECT format('ledger entry %s (%s %s) for task %s: %s', e.id, e.kind, e.amount_micros, e.task_id,
                          CASE WHEN t.id IS NULL THEN 'no such task' ELSE 'task belongs to another tenant or key' END) AS example
            FROM ledger_entries e
            LEFT JOIN tasks t ON t.id = e.task_id
            WHERE e.task_id IS NOT NULL
              AND (t.id IS NULL OR t.tenant_id <> e.tenant_id OR t.key_id IS DISTINCT FROM e.key_id)
            """),
    ] + fundingChecks + rollupChecks + costChecks + statementChecks
}
