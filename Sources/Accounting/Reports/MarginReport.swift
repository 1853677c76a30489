import Foundation
import Postgres

/// Revenue, cost and margin over the tasks that ended in a period (docs/channels.md, "Cost, margin and
/// bills"), grouped by any of tenant, channel, model and day. Revenue is the task money columns that
/// reconcile checks against the ledger; cost is the `cost_micros` recorded at settlement. Whole UTC days
/// are read from the `margin_daily` rollup (sql/016), the partial days at either edge from the tasks.
public struct MarginReport: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// `tenantID` and `channelID`, when given, keep only that tenant's or that channel's tasks.
    /// `fromTasks` reads every task of the window instead of the rollup (tests compare the two).
    public func run(period: ReportPeriod, groupBy: [MarginGrouping], tenantID: UUID? = nil, channelID: String? = nil,
                    fromTasks: Bool = false) async throws -> MarginReportResult {
        let days = fromTasks ? MarginDays(edgeOnly: period) : MarginDays(period)
        let rows = try await pool.query(Self.query(period: period, days: days, grouped: Set(groupBy), tenantID: tenantID,
                                                   channelID: channelID)).map(Self.row)
        let currency = try await PriceBookStore(pool: pool).current().book.currency
        var totals = MarginFigures()
        for row in rows { totals = try totals.adding(row.figures) }
        return MarginReportResult(period: period, groupBy: groupBy, tenantID: tenantID, channelID: channelID, currency: currency,
                                  rows: rows, totals: totals)
    }

    /// One statement for every grouping and window, as the usage report: a column not grouped by is NULL
    /// for all rows, so it forms one group; the flags and bounds are bound values. The tasks before
    /// `days.from` and from `days.to` on, and the rollup's days between, are summed into the same groups;
    /// a rollup row left at zero tasks (a late charge moved its task to a later day) makes no group.
    static func query(period: ReportPeriod, days: MarginDays, grouped: Set<MarginGrouping>, tenantID: UUID?, channelID: String?) -> PostgresQuery {
        let (tenant, channel, model, day) = (grouped.contains(.tenant), grouped.contains(.channel), grouped.contains(.model), grouped.contains(.day))
        return """
            WITH edges AS (
                SELECT * FROM tasks WHERE ended_at >= \(period.from) AND ended_at < \(days.from)
                UNION ALL
                SELECT * FROM tasks WHERE ended_at >= \(days.to) AND ended_at < \(period.to)
            ), parts AS (
                SELECT tenant_id, channel_id, model, (ended_at AT TIME ZONE 'UTC')::date AS day, count(*) AS tasks,
                       sum(charged_micros + late_charged_micros) AS revenue_micros, COALESCE(sum(cost_micros), 0) AS cost_micros
                FROM edges
                WHERE (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID)) AND (\(channelID)::text IS NULL OR channel_id = \(channelID))
                GROUP BY 1, 2, 3, 4
                UNION ALL
                SELECT tenant_id, channel_id, model, day, tasks, revenue_micros, cost_micros
                FROM margin_daily
                WHERE day >= (\(days.from) AT TIME ZONE 'UTC')::date AND day < (\(days.to) AT TIME ZONE 'UTC')::date
                  AND (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID)) AND (\(channelID)::text IS NULL OR channel_id = \(channelID))
            ), grouped AS (
                SELECT CASE WHEN \(tenant) THEN tenant_id END AS tenant_id, CASE WHEN \(channel) THEN channel_id END AS channel_id,
                       CASE WHEN \(model) THEN model END AS model, CASE WHEN \(day) THEN day END AS day,
                       sum(tasks)::bigint AS tasks, sum(revenue_micros)::bigint AS revenue_micros, sum(cost_micros)::bigint AS cost_micros
                FROM parts
                GROUP BY 1, 2, 3, 4
                HAVING sum(tasks) <> 0
            )
            SELECT g.tenant_id, t.name AS tenant_name, g.channel_id,
                   CASE WHEN g.channel_id = 'default' THEN 'default' ELSE c.name END AS channel_name,
                   g.model, to_char(g.day, 'YYYY-MM-DD') AS day, g.tasks, g.revenue_micros, g.cost_micros
            FROM grouped g
            LEFT JOIN tenants t ON t.id = g.tenant_id
            LEFT JOIN channels c ON c.id = g.channel_id
            ORDER BY g.day, t.name, g.tenant_id, g.channel_id, g.model
            """
    }

    static func row(_ row: PostgresRow) throws -> MarginRow {
        MarginRow(
            tenantID: try row.decode(UUID?.self, "tenant_id"), tenantName: try row.decode(String?.self, "tenant_name"),
            channelID: try row.decode(String?.self, "channel_id"), channelName: try row.decode(String?.self, "channel_name"),
            model: try row.decode(String?.self, "model"), day: try row.decode(String?.self, "day"),
            figures: MarginFigures(tasks: try row.decode(Int64.self, "tasks"), revenueMicros: try row.decode(Int64.self, "revenue_micros"),
                                   costMicros: try row.decode(Int64.self, "cost_micros")))
    }
}
