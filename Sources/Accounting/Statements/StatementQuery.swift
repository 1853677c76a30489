import Foundation
import Postgres

/// The statement SQL, read from `statement_rollup` (sql/019; README "How a statement is read"): the same
/// row as `fromLedger`, which states the rule on the ledger itself, without reading the ledger.
///
/// A rollup row is one 15-minute UTC bucket of natural instants. Every time zone's offset in use is a
/// multiple of 15 minutes, so the local month's start S and end E are bucket edges and a row's natural
/// month is before the month when `bucket < S`, and is the month when `S <= bucket < E`. With
/// `statement month = GREATEST(natural month, floor_month)`:
///   before the month: bucket < S and (floor_month IS NULL or floor_month < M);
///   in the month:     S <= bucket < E and (floor_month IS NULL or floor_month <= M),
///                     or bucket < S and floor_month = M (carried in from a closed month).
/// No row needs its local month computed: two instants per statement, whatever the tenant's zone is now.
enum StatementQuery {
    static func month(tenantID: UUID, _ month: StatementMonth) -> PostgresQuery {
        """
        WITH tenant AS (
            SELECT t.id, COALESCE(to_jsonb(t) ->> 'time_zone', 'UTC') AS zone FROM tenants t WHERE t.id = \(tenantID)
        ), bounds AS (
            SELECT id, zone, (\(month.firstDay)::date::timestamp AT TIME ZONE zone) AS starts,
                   ((\(month.firstDay)::date + interval '1 month')::timestamp AT TIME ZONE zone) AS ends
            FROM tenant
        ), placed AS MATERIALIZED (
            -- one pass over the tenant's rows up to the month's end, summed down to one row per kind, key and
            -- model (grouping by the place too made the planner sort 100,000 rows on disk)
            SELECT r.kind, r.key_id, r.model,
                   sum(r.amount_micros) FILTER (WHERE x.place = 'before') AS before_micros,
                   sum(r.entries) FILTER (WHERE x.place = 'in') AS entries, sum(r.amount_micros) FILTER (WHERE x.place = 'in') AS amount_micros,
                   sum(r.billable_seconds) FILTER (WHERE x.place = 'in') AS billable_seconds,
                   sum(r.images) FILTER (WHERE x.place = 'in') AS images
            FROM bounds b
            JOIN statement_rollup r ON r.tenant_id = b.id AND r.bucket < b.ends
            CROSS JOIN LATERAL (
                SELECT CASE WHEN r.bucket < b.starts AND (r.floor_month IS NULL OR r.floor_month < \(month.firstDay)::date) THEN 'before'
                            WHEN (r.bucket >= b.starts AND (r.floor_month IS NULL OR r.floor_month <= \(month.firstDay)::date))
                                 OR (r.bucket < b.starts AND r.floor_month = \(month.firstDay)::date) THEN 'in'
                       END AS place
            ) x
            GROUP BY 1, 2, 3
        ), lines AS (
            SELECT p.key_id, k.name AS key_name, p.model, sum(p.entries)::bigint AS tasks,
                   sum(p.billable_seconds)::bigint AS billable_seconds, sum(p.images)::bigint AS images,
                   sum(p.amount_micros)::bigint AS charged_micros
            FROM placed p JOIN api_keys k ON k.id = p.key_id
            WHERE p.kind IN ('charge', 'late_charge') AND p.entries IS NOT NULL
            GROUP BY p.key_id, k.name, p.model
            HAVING sum(p.entries) <> 0
        ), carried_groups AS (
            SELECT r.* FROM bounds b
            JOIN statement_rollup r ON r.tenant_id = b.id AND r.floor_month = \(month.firstDay)::date AND r.bucket < b.starts
        ), carried_ids AS (
            -- each group's entries, found by its id range (late charges: their own index; others: the time index)
            SELECT e.id FROM carried_groups g
            CROSS JOIN LATERAL (
                SELECT e.id FROM ledger_entries e
                WHERE e.tenant_id = g.tenant_id AND e.kind = 'late_charge' AND e.id BETWEEN g.min_ledger_id AND g.max_ledger_id
            ) e
            WHERE g.kind = 'late_charge'
            UNION
            SELECT e.id FROM carried_groups g
            CROSS JOIN LATERAL (
                SELECT e.id FROM ledger_entries e
                WHERE e.tenant_id = g.tenant_id AND e.created_at >= g.bucket AND e.created_at < g.bucket + interval '15 minutes'
                  AND e.id BETWEEN g.min_ledger_id AND g.max_ledger_id AND e.kind = g.kind
            ) e
            WHERE g.kind <> 'late_charge'
        ), carried AS (
            -- the exact rule on each candidate (a group's id range may hold entries of other groups)
            SELECT e.id, e.kind, e.task_id, e.amount_micros, n.natural_month,
                   GREATEST(n.natural_month, (SELECT max(p.month) FROM closed_periods p WHERE p.last_ledger_id < e.id) + interval '1 month')::date
                       AS month
            FROM carried_ids c
            JOIN ledger_entries e ON e.id = c.id
            CROSS JOIN tenant
            LEFT JOIN tasks late ON late.id = e.task_id AND e.kind = 'late_charge'
            CROSS JOIN LATERAL (
                SELECT date_trunc('month', COALESCE(late.created_at, e.created_at) AT TIME ZONE tenant.zone)::date AS natural_month
            ) n
        )
        SELECT EXISTS (SELECT 1 FROM tenant) AS found,
               COALESCE((SELECT starts <= now() FROM bounds), false) AS begun,
               COALESCE((SELECT book ->> 'currency' FROM price_books ORDER BY version DESC LIMIT 1), 'USD') AS currency,
               COALESCE(sum(CASE WHEN kind IN ('credit', 'adjustment', 'grant') THEN before_micros
                                 WHEN kind IN ('grant_expire', 'grant_void', 'charge', 'late_charge') THEN -before_micros
                                 ELSE 0 END), 0)::bigint AS opening,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'credit'), 0)::bigint AS credit,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'adjustment'), 0)::bigint AS adjustment,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'grant'), 0)::bigint AS grant_in,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'grant_expire'), 0)::bigint AS grant_expire,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'grant_void'), 0)::bigint AS grant_void,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'charge'), 0)::bigint AS charge,
               COALESCE(sum(amount_micros) FILTER (WHERE kind = 'late_charge'), 0)::bigint AS late_charge,
               COALESCE((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.key_name, l.key_id, l.model) FROM lines l), '[]'::jsonb) AS lines,
               COALESCE((SELECT jsonb_agg(jsonb_build_object('ledger_id', c.id, 'kind', c.kind, 'task_id', c.task_id,
                                                             'amount_micros', c.amount_micros,
                                                             'natural_month', to_char(c.natural_month, 'YYYY-MM')) ORDER BY c.id)
                         FROM carried c WHERE c.month = \(month.firstDay)::date AND c.natural_month < c.month), '[]'::jsonb) AS carried
        FROM placed
        """
    }
}
