import Foundation
import Postgres

/// The statement read straight from the ledger: every entry of the tenant, all history. Too slow for a
/// page (10.5 s at 600,000 entries); kept as the rule's plain statement, which the rollup read
/// (`StatementQuery.month`) is tested against. Every ledger entry but reserve and release belongs to
/// exactly one statement month (README "Key scopes, tenant usage and statements"):
///   natural month = the tenant-local calendar month of the entry's `created_at`, or for a
///                   `late_charge` of its task's `created_at` (the month whose usage it pays for);
///   statement month = the later of the natural month and the month after the latest month closed
///                   before the entry was written (closed_periods.last_ledger_id < entry id).
/// So nothing lands in a closed month, or before it, once it is closed; opening = the sum before.
extension StatementQuery {
    /// The same row as `month`, from the ledger alone: `found`, `begun`, `currency`, the signed `opening`,
    /// each kind's sum in the month, `lines` (JSON) and `carried` (JSON: entries whose natural month is earlier).
    static func fromLedger(tenantID: UUID, _ month: StatementMonth) -> PostgresQuery {
        """
        WITH tenant AS (
            SELECT t.id, COALESCE(to_jsonb(t) ->> 'time_zone', 'UTC') AS zone FROM tenants t WHERE t.id = \(tenantID)
        ), placed AS (
            SELECT e.id, e.kind, e.amount_micros, e.task_id, natural_month,
                   GREATEST(natural_month,
                            ((SELECT max(p.month) FROM closed_periods p WHERE p.last_ledger_id < e.id) + interval '1 month')::date)
                       AS month
            FROM tenant
            JOIN ledger_entries e ON e.tenant_id = tenant.id AND e.kind NOT IN ('reserve', 'release')
            LEFT JOIN tasks late ON late.id = e.task_id AND e.kind = 'late_charge'
            CROSS JOIN LATERAL (
                SELECT date_trunc('month', COALESCE(late.created_at, e.created_at) AT TIME ZONE tenant.zone)::date AS natural_month
            ) n
        ), lines AS (
            SELECT task.key_id, k.name AS key_name, task.model, count(*) AS tasks,
                   COALESCE(sum(task.billable_seconds), 0)::bigint AS billable_seconds,
                   COALESCE(sum(task.images), 0)::bigint AS images,
                   sum(p.amount_micros)::bigint AS charged_micros
            FROM placed p JOIN tasks task ON task.id = p.task_id JOIN api_keys k ON k.id = task.key_id
            WHERE p.month = \(month.firstDay)::date AND p.kind IN ('charge', 'late_charge')
            GROUP BY task.key_id, k.name, task.model
        )
        SELECT EXISTS (SELECT 1 FROM tenant) AS found,
               COALESCE((SELECT (\(month.firstDay)::date::timestamp AT TIME ZONE zone) <= now() FROM tenant), false) AS begun,
               COALESCE((SELECT book ->> 'currency' FROM price_books ORDER BY version DESC LIMIT 1), 'USD') AS currency,
               COALESCE(sum(CASE WHEN kind IN ('credit', 'adjustment', 'grant') THEN amount_micros
                                 WHEN kind IN ('grant_expire', 'grant_void', 'charge', 'late_charge') THEN -amount_micros
                                 ELSE 0 END) FILTER (WHERE month < \(month.firstDay)::date), 0)::bigint AS opening,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'credit'), 0)::bigint AS credit,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'adjustment'), 0)::bigint AS adjustment,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'grant'), 0)::bigint AS grant_in,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'grant_expire'), 0)::bigint AS grant_expire,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'grant_void'), 0)::bigint AS grant_void,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'charge'), 0)::bigint AS charge,
               COALESCE(sum(amount_micros) FILTER (WHERE month = \(month.firstDay)::date AND kind = 'late_charge'), 0)::bigint AS late_charge,
               COALESCE((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.key_name, l.key_id, l.model) FROM lines l), '[]'::jsonb) AS lines,
               COALESCE((SELECT jsonb_agg(jsonb_build_object('ledger_id', c.id, 'kind', c.kind, 'task_id', c.task_id,
                                                             'amount_micros', c.amount_micros,
                                                             'natural_month', to_char(c.natural_month, 'YYYY-MM')) ORDER BY c.id)
                         FROM placed c WHERE c.month = \(month.firstDay)::date AND c.natural_month < c.month), '[]'::jsonb) AS carried
        FROM placed
        """
    }
}
