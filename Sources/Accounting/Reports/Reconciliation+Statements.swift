import Foundation
import Postgres

/// The statement rollup (sql/019) against the ledger it sums: `statement_rollup_matches_ledger` names each
/// group whose count, amount, seconds or images differ from the ledger regrouped by the same rule
/// (`statement_rollup_parts`, which computes each entry's floor month from closed_periods by id now), or
/// whose id range does not cover its entries (the range is how a statement finds carried entries).
extension Reconciliation {
    /// Restricted to `pairs` (a query of `tenant_id`, `bucket` columns), or every group when nil. A pair's
    /// entries are found through the ledger's (tenant_id, created_at) index, and its late charges through
    /// the tasks made in the bucket, each by its (task_id, kind) row (`OFFSET 0`: joined flat, the planner
    /// read every late charge of the tenant per pair, 2.3 s for two hours of the 10 M seed; now 0.16 s).
    static func statementRollupOffenders(pairs: PostgresQuery?) -> PostgresQuery {
        let actual: PostgresQuery
        let rollup: PostgresQuery
        if let pairs {
            actual = "WITH pairs AS MATERIALIZED (" + pairs + """
                ), actual AS (
                    SELECT p.tenant_id, p.bucket, p.kind, p.key_id, p.model, p.floor_month, count(*) AS entries,
                           sum(p.amount_micros) AS amount, sum(p.billable_seconds) AS seconds, sum(p.images) AS images,
                           min(p.id) AS min_id, max(p.id) AS max_id
                    FROM pairs c
                    CROSS JOIN LATERAL (
                        SELECT p.* FROM statement_rollup_parts p
                        WHERE p.tenant_id = c.tenant_id AND p.kind <> 'late_charge'
                          AND p.created_at >= c.bucket AND p.created_at < c.bucket + interval '15 minutes'
                        UNION ALL
                        SELECT p.* FROM tasks t
                        CROSS JOIN LATERAL (
                            SELECT p.* FROM statement_rollup_parts p WHERE p.task_id = t.id AND p.kind = 'late_charge' OFFSET 0
                        ) p
                        WHERE t.tenant_id = c.tenant_id AND t.created_at >= c.bucket AND t.created_at < c.bucket + interval '15 minutes'
                    ) p
                    GROUP BY 1, 2, 3, 4, 5, 6
                )
                """
            rollup = "(SELECT r.* FROM pairs c JOIN statement_rollup r ON r.tenant_id = c.tenant_id AND r.bucket = c.bucket)"
        } else {
            actual = """
                WITH actual AS (
                    SELECT tenant_id, bucket, kind, key_id, model, floor_month, count(*) AS entries, sum(amount_micros) AS amount,
                           sum(billable_seconds) AS seconds, sum(images) AS images, min(id) AS min_id, max(id) AS max_id
                    FROM statement_rollup_parts
                    GROUP BY 1, 2, 3, 4, 5, 6
                )
                """
            rollup = "statement_rollup"
        }
        return actual + "\n" + """
            SELECT format('statement_rollup tenant %s bucket %s %s key %s model %s floor %s: entries %s, amount %s, seconds %s, images %s, ids %s..%s; ledger %s, %s, %s, %s, ids %s..%s',
                          COALESCE(r.tenant_id, a.tenant_id), to_char(COALESCE(r.bucket, a.bucket) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                          COALESCE(r.kind, a.kind), COALESCE(r.key_id, a.key_id), COALESCE(r.model, a.model, '(none)'),
                          COALESCE(to_char(COALESCE(r.floor_month, a.floor_month), 'YYYY-MM'), '(none)'),
                          COALESCE(r.entries, 0), COALESCE(r.amount_micros, 0), COALESCE(r.billable_seconds, 0), COALESCE(r.images, 0),
                          r.min_ledger_id, r.max_ledger_id,
                          COALESCE(a.entries, 0), COALESCE(a.amount, 0), COALESCE(a.seconds, 0), COALESCE(a.images, 0), a.min_id, a.max_id) AS example
            FROM
            """ + " " + rollup + " " + """
            r
            FULL JOIN actual a ON a.tenant_id = r.tenant_id AND a.bucket = r.bucket AND a.kind = r.kind
                              AND COALESCE(a.key_id, '00000000-0000-0000-0000-000000000000') = COALESCE(r.key_id, '00000000-0000-0000-0000-000000000000')
                              AND COALESCE(a.model, '') = COALESCE(r.model, '')
                              AND COALESCE(a.floor_month, '-infinity') = COALESCE(r.floor_month, '-infinity')
            WHERE (COALESCE(r.entries, 0), COALESCE(r.amount_micros, 0), COALESCE(r.billable_seconds, 0), COALESCE(r.images, 0))
                  <> (COALESCE(a.entries, 0), COALESCE(a.amount, 0), COALESCE(a.seconds, 0), COALESCE(a.images, 0))
               OR (a.tenant_id IS NOT NULL AND r.tenant_id IS NOT NULL AND (r.min_ledger_id > a.min_id OR r.max_ledger_id < a.max_id))
            """
    }

    /// The (tenant, bucket) pairs of the statement rows written since `since`.
    static func statementPairs(since: Date) -> PostgresQuery {
        """
        SELECT DISTINCT p.tenant_id, p.bucket
        FROM ledger_rows_since(\(since)) e JOIN statement_rollup_parts p ON p.id = e.id
        WHERE e.kind NOT IN ('reserve', 'release')
        """
    }

    static let statementChecks: [Check] = [
        Check(name: "statement_rollup_matches_ledger", offenders: statementRollupOffenders(pairs: nil)),
    ]
}
