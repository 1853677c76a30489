import Foundation
import Postgres

/// A column a usage report can be grouped by.
public enum UsageGrouping: String, Sendable, CaseIterable, Encodable {
    case tenant, key, model, day
}

/// What a group of tasks did and cost. `failed` counts every unpaid end: failed, rejected, expired.
public struct UsageFigures: Sendable, Equatable {
    public var tasks: Int64 = 0
    public var succeeded: Int64 = 0
    public var failed: Int64 = 0
    public var billableSeconds: Int64 = 0
    public var images: Int64 = 0
    /// Charges and late charges.
    public var chargedMicros: Int64 = 0

    public init() {}

    public static func + (lhs: UsageFigures, rhs: UsageFigures) -> UsageFigures {
        var sum = lhs
        sum.tasks += rhs.tasks
        sum.succeeded += rhs.succeeded
        sum.failed += rhs.failed
        sum.billableSeconds += rhs.billableSeconds
        sum.images += rhs.images
        sum.chargedMicros += rhs.chargedMicros
        return sum
    }
}

/// One group: only the columns that were grouped by are set.
public struct UsageRow: Sendable, Equatable {
    public var tenantID: UUID?
    public var tenantName: String?
    public var keyID: UUID?
    public var keyName: String?
    public var model: String?
    /// YYYY-MM-DD, the UTC day the tasks ended.
    public var day: String?
    public var figures: UsageFigures
}

public struct UsageReportResult: Sendable {
    public var period: ReportPeriod
    public var groupBy: [UsageGrouping]
    /// The filters the report was run with (nil: every tenant, every key).
    public var tenantID: UUID?
    public var keyID: UUID?
    public var currency: String
    public var rows: [UsageRow]
    /// The sum of the rows, which is also the ungrouped report.
    public var totals: UsageFigures
}

/// Sums over the tasks that ended in a period (for whole days, from their `usage_daily` rollup). Task money columns are what is summed; reconcile
/// checks that they equal the task's ledger rows, so the report agrees with the ledger to the micro.
public struct UsageReport: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// `tenantID` and `keyID`, when given, keep only that tenant's or that key's tasks.
    public func run(period: ReportPeriod, groupBy: [UsageGrouping], tenantID: UUID? = nil, keyID: UUID? = nil) async throws -> UsageReportResult {
        let grouped = Set(groupBy)
        // One statement for every grouping: a column not grouped by is NULL for all rows, so it forms
        // one group. The flags are bound values, the SQL text never changes. Whole UTC days read the
        // daily rollup (the same groups and sums, kept at settlement), any other window the tasks.
        let query = UsageRollup.covers(period) ? Self.rollupQuery(period: period, grouped: grouped, tenantID: tenantID, keyID: keyID)
            : Self.tasksQuery(period: period, grouped: grouped, tenantID: tenantID, keyID: keyID)
        let rows = try await pool.query(query).map(Self.row)
        let currency = try await PriceBookStore(pool: pool).current().book.currency
        return UsageReportResult(period: period, groupBy: groupBy, tenantID: tenantID, keyID: keyID, currency: currency, rows: rows,
                                 totals: rows.reduce(UsageFigures()) { $0 + $1.figures })
    }

    /// The report straight from the tasks: any window, to the microsecond.
    static func tasksQuery(period: ReportPeriod, grouped: Set<UsageGrouping>, tenantID: UUID?, keyID: UUID?) -> PostgresQuery {
        """
        WITH grouped AS (
            SELECT CASE WHEN \(grouped.contains(.tenant)) THEN tenant_id END AS tenant_id,
                   CASE WHEN \(grouped.contains(.key)) THEN key_id END AS key_id,
                   CASE WHEN \(grouped.contains(.model)) THEN model END AS model,
                   CASE WHEN \(grouped.contains(.day)) THEN (ended_at AT TIME ZONE 'UTC')::date END AS day,
                   count(*) AS tasks,
                   count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE state IN ('failed', 'rejected', 'expired')) AS failed,
                   COALESCE(sum(billable_seconds), 0)::bigint AS billable_seconds,
                   COALESCE(sum(images), 0)::bigint AS images,
                   COALESCE(sum(charged_micros + late_charged_micros), 0)::bigint AS charged_micros
            FROM tasks
            WHERE ended_at >= \(period.from) AND ended_at < \(period.to)
              AND (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID))
              AND (\(keyID)::uuid IS NULL OR key_id = \(keyID))
            GROUP BY 1, 2, 3, 4
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

    static func row(_ row: PostgresRow) throws -> UsageRow {
        var figures = UsageFigures()
        figures.tasks = try row.decode(Int64.self, "tasks")
        figures.succeeded = try row.decode(Int64.self, "succeeded")
        figures.failed = try row.decode(Int64.self, "failed")
        figures.billableSeconds = try row.decode(Int64.self, "billable_seconds")
        figures.images = try row.decode(Int64.self, "images")
        figures.chargedMicros = try row.decode(Int64.self, "charged_micros")
        return UsageRow(
            tenantID: try row.decode(UUID?.self, "tenant_id"), tenantName: try row.decode(String?.self, "tenant_name"),
            keyID: try row.decode(UUID?.self, "key_id"), keyName: try row.decode(String?.self, "key_name"),
            model: try row.decode(String?.self, "model"), day: try row.decode(String?.self, "day"),
            figures: figures)
    }
}
