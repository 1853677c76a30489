import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    static let groupings: [(value: String, label: String)] = [
        ("day", "day"), ("tenant", "tenant"), ("tenant,day", "tenant and day"), ("tenant,key", "tenant and key"),
        ("model", "model"), ("tenant,model", "tenant and model"), ("", "nothing (totals only)"),
    ]

    /// `GET /console/reports?from=&to=&group_by=`: the usage report as a table, for this month unless a
    /// range is given, with the link to the CSV of the same range.
    func reportPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let parameters = ReportParameters(request)
        let now = Date()
        let period: ReportPeriod
        if parameters.text("from") == nil, parameters.text("to") == nil {
            period = try Self.period(Self.monthStart(now), Self.dayStart(now).addingTimeInterval(86400))
        } else {
            period = try parameters.period()
        }
        let grouping = request.uri.queryParameters.get("group_by") == nil ? [UsageGrouping.day] : try parameters.grouping()
        let report = try await UsageReport(pool: pool).run(period: period, groupBy: grouping)
        let currency = report.currency
        func figures(_ figures: UsageFigures) -> [String: Any] {
            ["tasks": "\(figures.tasks)", "succeeded": "\(figures.succeeded)", "failed": "\(figures.failed)",
             "seconds": "\(figures.billableSeconds)", "images": "\(figures.images)", "charged": MoneyText.text(figures.chargedMicros, currency)]
        }
        var values = try page(context, title: "Reports", current: "/console/reports")
        values["from"] = Self.stamp(period.from)
        values["to"] = Self.stamp(period.to)
        let chosen = grouping.map(\.rawValue).joined(separator: ",")
        values["groupings"] = Self.groupings.map { ["value": $0.value, "label": $0.label, "selected": $0.value == chosen] as [String: Any] }
        values["rows"] = report.rows.map { row -> [String: Any] in
            var shown = figures(row.figures)
            shown["day"] = row.day ?? ""
            shown["tenant"] = row.tenantName ?? ""
            shown["key"] = row.keyName ?? ""
            shown["model"] = row.model ?? ""
            return shown
        }
        values["totals"] = figures(report.totals)
        return pages.response("reports", values)
    }

    /// YYYY-MM-DD for a UTC midnight (what a date field holds), else the full RFC 3339 time.
    static func stamp(_ date: Date) -> String {
        let text = RFC3339.format(date)
        return text.hasSuffix("T00:00:00.000Z") ? String(text.prefix(10)) : text
    }
}
