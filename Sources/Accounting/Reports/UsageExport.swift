import Foundation
import Postgres

/// The finance export: one CSV row per task that ended in a period, written by PostgreSQL's own
/// `COPY … TO STDOUT (FORMAT csv, HEADER)` and streamed in bounded chunks, so memory stays constant
/// whatever the row count. The HTTP route and `omnimeter export` both call `write`, so they agree byte
/// for byte.
///
/// The format is RFC 4180 as PostgreSQL writes it: fields holding a comma, quote or line break are
/// quoted, quotes doubled; lines end in LF (RFC 4180 allows CRLF; every CSV reader we know takes LF).
/// Header column names are the statement's aliases and are part of the API (docs/api.md, "Finance CSV").
///
/// Spreadsheet formula injection (OWASP "CSV Injection"): a text cell a tenant or admin chose
/// (`tenant_name`, `key_name`, `external_task_id`) that starts with `=`, `+`, `-`, `@`, a tab, a carriage
/// return, a line feed, a space, a no-break or ideographic space, or a full-width `＝`, `＋`, `－`, `＠`
/// (spreadsheets skip leading blanks and read full-width signs as formulas) is prefixed with `'`, so a
/// spreadsheet shows it as text instead of running it.
/// Identifiers, amounts and times we produce ourselves are never altered.
public struct UsageExport: Sendable {
    public static let header = "task_id,tenant_id,tenant_name,key_id,key_name,endpoint,model,mode,sound,video_reference,"
        + "billable_seconds,images,status,reserved_micros,charged_micros,released_micros,charged,currency,created_at,ended_at,"
        + "external_task_id,upstream_task_id"

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Streams the CSV, header first, to `consume` in chunks of about `chunkSize` bytes; the next chunk
    /// is read from the database only after `consume` returns.
    public func write(period: ReportPeriod, tenantID: UUID?, chunkSize: Int = 64 * 1024,
                      to consume: ([UInt8]) async throws -> Void) async throws {
        try await pool.copyOut(Self.query(period: period, tenantID: tenantID), options: "FORMAT csv, HEADER", chunkSize: chunkSize, consume)
    }

    /// The statement COPY runs. Decimal `charged` is built from the integer micros; times are RFC 3339 UTC
    /// to the microsecond.
    public static func query(period: ReportPeriod, tenantID: UUID?) -> PostgresQuery {
        var query: PostgresQuery = """
            SELECT t.id AS task_id,
                   t.tenant_id,
                   CASE WHEN left(n.name, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r', E'\\n', ' ', E'\\u00A0', E'\\u3000', E'\\uFF1D', E'\\uFF0B', E'\\uFF0D', E'\\uFF20') THEN '''' || n.name ELSE n.name END AS tenant_name,
                   t.key_id,
                   CASE WHEN left(k.name, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r', E'\\n', ' ', E'\\u00A0', E'\\u3000', E'\\uFF1D', E'\\uFF0B', E'\\uFF0D', E'\\uFF20') THEN '''' || k.name ELSE k.name END AS key_name,
                   t.endpoint,
                   t.model,
                   t.mode,
                   t.sound::text AS sound,
                   t.video_reference::text AS video_reference,
                   t.billable_seconds,
                   t.images,
                   t.state AS status,
                   t.reserved_micros,
                   t.charged_micros + t.late_charged_micros AS charged_micros,
                   t.released_micros,
                   ((t.charged_micros + t.late_charged_micros) / 1000000)::text || '.'
                       || lpad(((t.charged_micros + t.late_charged_micros) % 1000000)::text, 6, '0') AS charged,
                   t.currency,
                   to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
                   to_char(t.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ended_at,
                   CASE WHEN left(t.external_task_id, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r', E'\\n', ' ', E'\\u00A0', E'\\u3000', E'\\uFF1D', E'\\uFF0B', E'\\uFF0D', E'\\uFF20') THEN '''' || t.external_task_id
                        ELSE t.external_task_id END AS external_task_id,
                   t.upstream_task_id
            FROM tasks t
            JOIN tenants n ON n.id = t.tenant_id
            JOIN api_keys k ON k.id = t.key_id
            WHERE t.ended_at >= \(period.from) AND t.ended_at < \(period.to)
            """
        if let tenantID {
            query = query + " AND t.tenant_id = \(tenantID)"
        }
        return query + " ORDER BY t.ended_at, t.id"
    }
}

extension UsageExport {
    /// False when `tenantID` names no tenant (an export for it is a mistake to report, not an empty file).
    /// Always asks the database, so that an unreachable one is an error before a download starts.
    public func canExport(tenantID: UUID?) async throws -> Bool {
        let row = try await pool.queryFirst("""
            SELECT \(tenantID) IS NULL OR EXISTS (SELECT 1 FROM tenants WHERE id = \(tenantID)) AS found
            """)
        return try row?.decode(Bool.self, "found") ?? false
    }
}
