import Foundation
import Postgres

extension UsageRollup {
    /// True when the window is whole UTC days, so the daily rollup holds exactly its tasks.
    public static func covers(_ period: ReportPeriod) -> Bool {
        func midnight(_ date: Date) -> Bool {
            let seconds = date.timeIntervalSince1970
            return seconds.rounded(.down) == seconds && Int64(seconds) % 86_400 == 0
        }
        return midnight(period.from) && midnight(period.to)
    }
}

extension UsageReport {
    /// The report from `usage_daily`: the same groups, sums and order as `tasksQuery` over whole days.
    /// A day a late charge moved a task out of can keep a row of zeros: HAVING drops such groups, as
    /// the tasks would have no row for them.
    static func rollupQuery(period: ReportPeriod, grouped: Set<UsageGrouping>, tenantID: UUID?, keyID: UUID?) -> PostgresQuery {
        """
        WITH grouped AS (
            SELECT CASE WHEN \(grouped.contains(.tenant)) THEN tenant_id END AS tenant_id,
                   CASE WHEN \(grouped.contains(.key)) THEN key_id END AS key_id,
                   CASE WHEN \(grouped.contains(.model)) THEN model END AS model,
                   CASE WHEN \(grouped.contains(.day)) THEN day END AS day,
                   sum(tasks)::bigint AS tasks,
                   sum(succeeded)::bigint AS succeeded,
                   sum(failed)::bigint AS failed,
                   sum(billable_seconds)::bigint AS billable_seconds,
                   sum(images)::bigint AS images,
                   sum(charged_micros + late_charged_micros)::bigint AS charged_micros
            FROM usage_daily
            WHERE day >= (\(period.from) AT TIME ZONE 'UTC')::date AND day < (\(period.to) AT TIME ZONE 'UTC')::date
              AND (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID))
              AND (\(keyID)::uuid IS NULL OR key_id = \(keyID))
            GROUP BY 1, 2, 3, 4
            HAVING sum(tasks) <> 0
        )
        SELECT g.tenant_id, t.name AS tenant_name, g.key_id, k.name AS key_name, g.model,
               to_char(g.day, 'YYYY-MM-DD') AS day,
               g.tasks, g.succeeded, g.failed, g.billable_seconds, g.images, g.charged_micros
        FROM grouped g
        LEFT JOIN tenants t ON t.id = g.tenant_id
        LEFT JOIN api_keys k ON k.id = g.key_id
        ORDER BY g.day, t.name, g.tenant_id, k.name, g.key_id, g.model
        """
    }
}
