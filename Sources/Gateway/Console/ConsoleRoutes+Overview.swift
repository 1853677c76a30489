import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// `GET /console/`: spend today and this month, open reservations, tasks by state, 30 days of charges.
    func registerOverview(on console: RouterGroup<ConsoleContext>) {
        console.get("/") { _, context in try await overview(context) }
    }

    func overview(_ context: ConsoleContext) async throws -> Response {
        let now = Date()
        let (points, currency) = try await chargedPerDay(tenantID: nil, now: now)
        let month = try await UsageReport(pool: pool).run(period: try Self.period(Self.monthStart(now), Self.dayStart(now).addingTimeInterval(86400)), groupBy: [])
        let open = try await ConsoleFigures(pool: pool).openReservations()
        let states = try await ConsoleFigures(pool: pool).tasksByState(endedSince: Self.dayStart(now))
        var values = try page(context, title: "Overview", current: "/console/")
        values["currency"] = currency
        values["spend_today"] = MoneyText.text(points.last?.value ?? 0, currency)
        values["spend_month"] = MoneyText.text(month.totals.chargedMicros, currency)
        values["open_reserved"] = MoneyText.text(open.micros, currency)
        values["open_tasks"] = "\(open.tasks)"
        values["states"] = states.map { ["state": $0.state.rawValue, "count": "\($0.count)"] }
        values["chart_svg"] = SVGChart.bars(points, title: "Charged per day over the last 30 days, \(currency)", format: MoneyText.text)
        return pages.response("overview", values)
    }

    /// Charged per UTC day (by the day tasks ended, as the usage report sums them) for the 30 days up to
    /// today, from the usage report itself; days with nothing are 0. `tenantID`: one tenant's only.
    func chargedPerDay(tenantID: UUID?, now: Date) async throws -> (points: [ChartPoint], currency: String) {
        let today = Self.dayStart(now)
        let from = today.addingTimeInterval(-29 * 86400)
        // one tenant's: the report's own tenant filter (its index), not every tenant's rows filtered here
        let report = try await UsageReport(pool: pool).run(period: try Self.period(from, today.addingTimeInterval(86400)),
                                                           groupBy: [.day], tenantID: tenantID)
        var byDay: [String: Int64] = [:]
        for row in report.rows {
            guard let day = row.day else { continue }
            byDay[day] = (byDay[day] ?? 0) + row.figures.chargedMicros
        }
        let points = (0..<30).map { offset -> ChartPoint in
            let day = Self.day(from.addingTimeInterval(Double(offset) * 86400))
            return ChartPoint(label: String(day.dropFirst(5)), value: byDay[day] ?? 0)
        }
        return (points, report.currency)
    }

    static func period(_ from: Date, _ to: Date) throws -> ReportPeriod {
        guard let period = ReportPeriod(from: from, to: to) else { throw ConsoleFailure(status: .badRequest, message: "from: must be before to") }
        return period
    }

    static func monthStart(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? dayStart(date)
    }
}
