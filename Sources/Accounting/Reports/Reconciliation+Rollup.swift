import Postgres

/// The daily usage and margin rollups against the tasks they sum (docs/money.md, "Reports"): one check,
/// `usage_daily_matches_tasks`, names a row of either that differs.
extension Reconciliation {
    /// Each (day, tenant, key, model) group of the rollup beside the same group summed from the tasks,
    /// restricted to `days` (a query of one `day` column), or every day when nil. Each day's tasks are
    /// found through the ended_at index (LATERAL): no scan of the tasks when few days changed. `OFFSET 0`
    /// keeps the LATERAL a per-day index lookup: flattened, the planner guessed ~1,000 days from a bound
    /// `since` and scanned all 10 M tasks to find none (3.5 s).
    static func rollupOffenders(days: PostgresQuery?) -> PostgresQuery {
        let actual: PostgresQuery
        let rollup: PostgresQuery
        let margin: PostgresQuery
        if let days {
            actual = "WITH days AS MATERIALIZED (" + days + """
                ), actual AS (
                    SELECT d.day, t.tenant_id, t.key_id, t.model, count(*) AS tasks,
                           count(*) FILTER (WHERE t.state = 'succeeded') AS succeeded,
                           count(*) FILTER (WHERE t.state IN ('failed', 'rejected', 'expired')) AS failed,
                           COALESCE(sum(t.billable_seconds), 0) AS billable_seconds, COALESCE(sum(t.images), 0) AS images,
                           sum(t.charged_micros) AS charged, sum(t.late_charged_micros) AS late_charged
                    FROM days d
                    CROSS JOIN LATERAL (
                        SELECT * FROM tasks
                        WHERE ended_at >= (d.day::timestamp AT TIME ZONE 'UTC') AND ended_at < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')
                        OFFSET 0
                    ) t
                    GROUP BY 1, 2, 3, 4
                ), margin_actual AS (
                    SELECT d.day, t.tenant_id, t.channel_id, t.model, count(*) AS tasks,
                           sum(t.charged_micros + t.late_charged_micros) AS revenue, COALESCE(sum(t.cost_micros), 0) AS cost
                    FROM days d
                    CROSS JOIN LATERAL (
                        SELECT * FROM tasks
                        WHERE ended_at >= (d.day::timestamp AT TIME ZONE 'UTC') AND ended_at < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')
                        OFFSET 0
                    ) t
                    GROUP BY 1, 2, 3, 4
                )
                """
            rollup = "(SELECT * FROM usage_daily WHERE day IN (SELECT day FROM days))"
            margin = "(SELECT * FROM margin_daily WHERE day IN (SELECT day FROM days))"
        } else {
            actual = """
                WITH actual AS (
                    SELECT (ended_at AT TIME ZONE 'UTC')::date AS day, tenant_id, key_id, model, count(*) AS tasks,
                           count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
                           count(*) FILTER (WHERE state IN ('failed', 'rejected', 'expired')) AS failed,
                           COALESCE(sum(billable_seconds), 0) AS billable_seconds, COALESCE(sum(images), 0) AS images,
                           sum(charged_micros) AS charged, sum(late_charged_micros) AS late_charged
                    FROM tasks WHERE ended_at IS NOT NULL
                    GROUP BY 1, 2, 3, 4
                ), margin_actual AS (
                    SELECT (ended_at AT TIME ZONE 'UTC')::date AS day, tenant_id, channel_id, model, count(*) AS tasks,
                           sum(charged_micros + late_charged_micros) AS revenue, COALESCE(sum(cost_micros), 0) AS cost
                    FROM tasks WHERE ended_at IS NOT NULL
                    GROUP BY 1, 2, 3, 4
                )
                """
            rollup = "usage_daily"
            margin = "margin_daily"
        }
        return actual + "\n" + """
            SELECT format('usage_daily %s tenant %s key %s model %s: tasks %s, succeeded %s, failed %s, seconds %s, images %s, charged %s, late charged %s; tasks %s, %s, %s, %s, %s, %s, %s',
                          COALESCE(u.day, a.day), COALESCE(u.tenant_id, a.tenant_id), COALESCE(u.key_id, a.key_id), COALESCE(u.model, a.model),
                          COALESCE(u.tasks, 0), COALESCE(u.succeeded, 0), COALESCE(u.failed, 0), COALESCE(u.billable_seconds, 0),
                          COALESCE(u.images, 0), COALESCE(u.charged_micros, 0), COALESCE(u.late_charged_micros, 0),
                          COALESCE(a.tasks, 0), COALESCE(a.succeeded, 0), COALESCE(a.failed, 0), COALESCE(a.billable_seconds, 0),
                          COALESCE(a.images, 0), COALESCE(a.charged, 0), COALESCE(a.late_charged, 0)) AS example
            FROM
            """ + " " + rollup + " " + """
            u
            FULL JOIN actual a ON a.day = u.day AND a.tenant_id = u.tenant_id AND a.key_id = u.key_id AND a.model = u.model
            WHERE (COALESCE(u.tasks, 0), COALESCE(u.succeeded, 0), COALESCE(u.failed, 0), COALESCE(u.billable_seconds, 0),
                   COALESCE(u.images, 0), COALESCE(u.charged_micros, 0), COALESCE(u.late_charged_micros, 0))
                  <> (COALESCE(a.tasks, 0), COALESCE(a.succeeded, 0), COALESCE(a.failed, 0), COALESCE(a.billable_seconds, 0),
                      COALESCE(a.images, 0), COALESCE(a.charged, 0), COALESCE(a.late_charged, 0))
            UNION ALL
            SELECT format('margin_daily %s tenant %s channel %s model %s: tasks %s, revenue %s, cost %s; tasks %s, %s, %s',
                          COALESCE(m.day, a.day), COALESCE(m.tenant_id, a.tenant_id), COALESCE(m.channel_id, a.channel_id, '(none)'),
                          COALESCE(m.model, a.model), COALESCE(m.tasks, 0), COALESCE(m.revenue_micros, 0), COALESCE(m.cost_micros, 0),
                          COALESCE(a.tasks, 0), COALESCE(a.revenue, 0), COALESCE(a.cost, 0))
            FROM
            """ + " " + margin + " " + """
            m
            FULL JOIN margin_actual a ON a.day = m.day AND a.tenant_id = m.tenant_id AND COALESCE(a.channel_id, '') = COALESCE(m.channel_id, '')
                                     AND a.model = m.model
            WHERE (COALESCE(m.tasks, 0), COALESCE(m.revenue_micros, 0), COALESCE(m.cost_micros, 0))
                  <> (COALESCE(a.tasks, 0), COALESCE(a.revenue, 0), COALESCE(a.cost, 0))
            """
    }

    static let rollupChecks: [Check] = [
        Check(name: "usage_daily_matches_tasks", offenders: rollupOffenders(days: nil)),
    ]
}
