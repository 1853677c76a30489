import Foundation

/// The calendar periods a budget window spans.
public enum WindowPeriod: String, Sendable, Codable, CaseIterable {
    case day, week, month
}

/// One calendar period in one IANA time zone, half-open [start, end): a day from local midnight, a week
/// from Monday, a month from the 1st. Pure; used by budgets (docs/money.md). `firstDay` and `endDay`
/// are the local dates of start and end (`YYYY-MM-DD`, end exclusive): the daily charge rows it sums.
public struct CalendarWindow: Sendable, Equatable {
    public var start: Date
    public var end: Date
    public var firstDay: String
    public var endDay: String

    public static func containing(_ instant: Date, period: WindowPeriod, zone: TimeZone) -> CalendarWindow {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
        let (year, month, day) = (today.year!, today.month!, today.day!)
        let first: (Int, Int, Int)
        let next: (Int, Int, Int)
        switch period {
        case .day:
            first = (year, month, day)
            next = (year, month, day + 1)
        case .week:
            let sinceMonday = (today.weekday! + 5) % 7 // weekday 1 is Sunday
            first = (year, month, day - sinceMonday)
            next = (year, month, day - sinceMonday + 7)
        case .month:
            first = (year, month, 1)
            next = (year, month + 1, 1)
        }
        let start = startOfDay(first, calendar)
        let end = startOfDay(next, calendar)
        return CalendarWindow(start: start, end: end, firstDay: localDay(start, calendar), endDay: localDay(end, calendar))
    }

    /// The first instant of a local day; components past a month's end roll over (March 32 is April 1).
    /// Found from local noon, so a day whose midnight a DST change skips still has a start.
    private static func startOfDay(_ ymd: (Int, Int, Int), _ calendar: Calendar) -> Date {
        let noon = calendar.date(from: DateComponents(year: ymd.0, month: ymd.1, day: ymd.2, hour: 12))!
        return calendar.startOfDay(for: noon)
    }

    private static func localDay(_ instant: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
