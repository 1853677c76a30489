import Foundation
import Postgres

/// Charges in budget windows, summed from `daily_charges` (one row per subject and local day), so a
/// month window reads at most 31 rows and no ledger scan.
enum BudgetUsage {
    /// Charges of each subject in the day, week and month windows that hold `now` in `zone`.
    static func spent(subjects: [UUID], now: Date, zone: TimeZone, on connection: PostgresConnection)
        async throws -> [UUID: [WindowPeriod: Int64]]
    {
        let day = CalendarWindow.containing(now, period: .day, zone: zone)
        let week = CalendarWindow.containing(now, period: .week, zone: zone)
        let month = CalendarWindow.containing(now, period: .month, zone: zone)
        let rows = try await connection.query("""
            SELECT subject_id,
                   COALESCE(sum(charged_micros) FILTER (WHERE day >= \(day.firstDay)::date AND day < \(day.endDay)::date), 0)::bigint AS day,
                   COALESCE(sum(charged_micros) FILTER (WHERE day >= \(week.firstDay)::date AND day < \(week.endDay)::date), 0)::bigint AS week,
                   COALESCE(sum(charged_micros) FILTER (WHERE day >= \(month.firstDay)::date AND day < \(month.endDay)::date), 0)::bigint AS month
            FROM daily_charges
            WHERE subject_id = ANY(\(subjects.map(\.uuidString).joined(separator: ",").wrappedAsArray)::uuid[])
              AND day >= least(\(week.firstDay)::date, \(month.firstDay)::date)
              AND day < greatest(\(week.endDay)::date, \(month.endDay)::date)
            GROUP BY subject_id
            """)
        var result: [UUID: [WindowPeriod: Int64]] = [:]
        for subject in subjects { result[subject] = [.day: 0, .week: 0, .month: 0] }
        for row in rows {
            let subject = try row.decode(UUID.self, "subject_id")
            result[subject] = [.day: try row.decode(Int64.self, "day"), .week: try row.decode(Int64.self, "week"),
                               .month: try row.decode(Int64.self, "month")]
        }
        return result
    }

    /// Each budget with its window, what was charged in it and what the subject holds open now.
    static func statuses(_ budgets: [Budget], subject: UUID, reserved: Int64, zoneName: String, now: Date = Date(),
                         on connection: PostgresConnection) async throws -> [BudgetStatus] {
        guard !budgets.isEmpty else { return [] }
        let zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        let spent = try await self.spent(subjects: [subject], now: now, zone: zone, on: connection)[subject] ?? [:]
        return budgets.map { budget in
            let window = CalendarWindow.containing(now, period: budget.period, zone: zone)
            return BudgetStatus(period: budget.period, amountMicros: budget.amountMicros, spentMicros: spent[budget.period] ?? 0,
                                reservedMicros: reserved, windowStart: window.start, windowEnd: window.end)
        }
    }
}

extension String {
    /// `a,b` as the PostgreSQL array literal `{a,b}` (ids only: no quoting needed), bound as one parameter.
    fileprivate var wrappedAsArray: String { "{" + self + "}" }
}
