import Accounting
import Foundation
import Hummingbird
import Postgres

/// `GET /admin/v1/reports/margin` and `.csv` (docs/channels.md, "Cost, margin and bills"): revenue, cost
/// and margin of the tasks that ended in `[from, to)`, grouped by any of tenant, channel, model, day.
/// Parameters are read as the usage report reads them; both roles may read; the read pool serves it.
struct MarginRoutes: Sendable {
    let pool: PostgresPool
    let readPool: PostgresPool
    /// The usage export's gate: a margin CSV counts as one of the OMNIMETER_MAX_EXPORTS downloads.
    var exports = ExportGate(limit: 2)

    func register<Context: RequestContext>(on group: RouterGroup<Context>) {
        group.get("reports/margin") { request, _ in try JSONResponse.make(MarginReportBody(try await report(request))) }
        group.get("reports/margin.csv") { request, _ in try await csv(request) }
    }

    /// The CSV download (the console's link calls this too); it holds a slot of the export gate while the report runs.
    func csv(_ request: Request) async throws -> Response {
        guard await exports.tryEnter() else { return ReportRoutes.busy(exports) }
        let result: MarginReportResult
        do {
            result = try await report(request)
            await exports.leave()
        } catch {
            await exports.leave()
            throw error
        }
        let filename = "omnimeter-margin-\(ReportRoutes.fileStamp(result.period.from))-\(ReportRoutes.fileStamp(result.period.to)).csv"
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(filename)\"",
        ], body: .init(byteBuffer: ByteBuffer(string: MarginCSV.render(result))))
    }

    func report(_ request: Request) async throws -> MarginReportResult {
        let parameters = ReportParameters(request)
        let period = try parameters.period()
        let groupBy = try parameters.marginGrouping()
        let tenantID = try parameters.uuid("tenant_id")
        let channelID = parameters.text("channel_id")
        // a filter naming nothing is a mistake to say, not an empty report (as the usage report's)
        guard try await UsageExport(pool: pool).canExport(tenantID: tenantID) else {
            throw AdminAPIError.notFound("tenant \(tenantID?.uuidString.lowercased() ?? "")")
        }
        if let channelID {
            let exists = try await pool.withConnection { try await ChannelCostBook.exists(channelID, on: $0) }
            guard exists else { throw AdminAPIError.notFound("channel \(channelID)") }
        }
        return try await run(period: period, groupBy: groupBy, tenantID: tenantID, channelID: channelID)
    }

    /// The report on the read pool; sums beyond 64 bits are 422 (the console's margin table runs this too).
    func run(period: ReportPeriod, groupBy: [MarginGrouping], tenantID: UUID? = nil, channelID: String? = nil) async throws -> MarginReportResult {
        do {
            return try await MarginReport(pool: readPool).run(period: period, groupBy: groupBy, tenantID: tenantID, channelID: channelID)
        } catch is MarginOverflow {
            throw AdminAPIError.invalid("the period's sums do not fit in 64-bit micros; report a shorter period")
        }
    }
}

extension ReportParameters {
    /// `group_by` of the margin report: a comma list of tenant, channel, model, day; repeats ignored, order kept.
    func marginGrouping(_ parameter: String = "group_by") throws -> [MarginGrouping] {
        guard let text = text(parameter) else { return [] }
        var groups: [MarginGrouping] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let group = MarginGrouping(rawValue: name) else {
                throw AdminAPIError.badRequest("\(parameter): expected a comma list of tenant, channel, model, day; got \(name.debugDescription)")
            }
            if !groups.contains(group) { groups.append(group) }
        }
        return groups
    }
}
