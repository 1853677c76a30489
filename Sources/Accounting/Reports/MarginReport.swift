import Foundation
import Postgres

/// Revenue, cost and margin over the tasks that ended in a period (docs/channels.md, "Cost, margin and
/// bills"), grouped by any of tenant, channel, model and day. Revenue is the task money columns that
/// reconcile checks against the ledger; cost is the `cost_micros` recorded at settlement.
public struct MarginReport: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// `tenantID` and `channelID`, when given, keep only that tenant's or that channel's tasks.
    public func run(period: ReportPeriod, groupBy: [MarginGrouping], tenantID: UUID? = nil, channelID: String? = nil) async throws -> MarginReportResult {
        let grouped = Set(groupBy)
        // One statement for every grouping, as the usage report: a column not grouped by is NULL for all
        // rows, so it forms one group; the flags are bound values.
        let rows = try await pool.query("""
            WITH grouped AS (
                SELECT CASE WHEN \(grouped.contains(.tenant)) THEN tenant_id END AS tenant_id,
                       CASE WHEN \(grouped.contains(.channel)) THEN channel_id END AS channel_id,
                       CASE WHEN \(grouped.contains(.model)) THEN model END AS model,
                       CASE WHEN \(grouped.contains(.day)) THEN (ended_at AT TIME ZONE 'UTC')::date END AS day,
                       count(*) AS tasks,
                       COALESCE(sum(charged_micros + late_charged_micros), 0)::bigint AS revenue_micros,
                       COALESCE(sum(cost_micros), 0)::bigint AS cost_micros
                FROM tasks
                WHERE ended_at >= \(period.from) AND ended_at < \(period.to)
                  AND (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID))
                  AND (\(channelID)::text IS NULL OR channel_id = \(channelID))
                GROUP BY 1, 2, 3, 4
            )
            SELECT g.tenant_id, t.name AS tenant_name, g.channel_id,
                   CASE WHEN g.channel_id = 'default' THEN 'default' ELSE c.name END AS channel_name,
                   g.model, to_char(g.day, 'YYYY-MM-DD') AS day, g.tasks, g.revenue_micros, g.cost_micros
            FROM grouped g
            LEFT JOIN tenants t ON t.id = g.tenant_id
            LEFT JOIN channels c ON c.id = g.channel_id
            ORDER BY g.day, t.name, g.tenant_id, g.channel_id, g.model
            """).map(Self.row)
        let currency = try await PriceBookStore(pool: pool).current().book.currency
        var totals = MarginFigures()
        for row in rows { totals = try totals.adding(row.figures) }
        return MarginReportResult(period: period, groupBy: groupBy, tenantID: tenantID, channelID: channelID, currency: currency,
                                  rows: rows, totals: totals)
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
