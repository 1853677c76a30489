import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    static let groupings: [(value: String, label: String)] = [
        ("day", "day"), ("tenant", "tenant"), ("tenant,day", "tenant and day"), ("tenant,key", "tenant and key"),
        ("model", "model"), ("tenant,model", "tenant and model"), ("", "nothing (totals only)"),
    ]
    /// The margin table's groupings: any the admin API's `group_by` takes (read by its own rule).
    static let marginGroupings: [(value: String, label: String)] = [
        ("channel", "channel"), ("tenant", "tenant"), ("model", "model"), ("day", "day"), ("tenant,channel", "tenant and channel"),
        ("channel,model", "channel and model"), ("channel,day", "channel and day"), ("", "nothing (totals only)"),
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
        // the margin table of the same range (`margin_by`: the margin report's group_by, channel unless given)
        let marginBy = request.uri.queryParameters.get("margin_by") == nil ? [MarginGrouping.channel] : try parameters.marginGrouping("margin_by")
        let margin = try await self.margin.run(period: period, groupBy: marginBy)
        let marginChosen = marginBy.map(\.rawValue).joined(separator: ",")
        func marginFigures(_ figures: MarginFigures) -> [String: Any] {
            ["tasks": "\(figures.tasks)", "revenue": MoneyText.text(figures.revenueMicros, margin.currency),
             "cost": MoneyText.text(figures.costMicros, margin.currency), "margin": MoneyText.text(figures.marginMicros, margin.currency)]
        }
        values["margin_by"] = marginChosen
        values["margin_groupings"] = Self.marginGroupings.map { ["value": $0.value, "label": $0.label, "selected": $0.value == marginChosen] as [String: Any] }
        values["margin_rows"] = margin.rows.map { row -> [String: Any] in
            var shown = marginFigures(row.figures)
            shown["day"] = row.day ?? ""
            shown["tenant"] = row.tenantName ?? ""
            shown["channel"] = marginBy.contains(.channel) ? (row.channelName ?? row.channelID ?? "none (never sent)") : ""
            shown["model"] = row.model ?? ""
            return shown
        }
        values["margin_totals"] = marginFigures(margin.totals)
        return pages.response("reports", values)
    }

    /// YYYY-MM-DD for a UTC midnight (what a date field holds), else the full RFC 3339 time.
    static func stamp(_ date: Date) -> String {
        let text = RFC3339.format(date)
        return text.hasSuffix("T00:00:00.000Z") ? String(text.prefix(10)) : text
    }
}
