import Accounting
import Foundation
import Testing

/// Budget windows in the tenant's zone, from fixed instants (no clock, no database).
@Suite struct CalendarWindowTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var instant: String
        var period: WindowPeriod
        var zone: String
        var start: String
        var end: String
        var hours: Double
        var testDescription: String { "\(zone) \(period) of \(instant)" }
    }

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static let cases: [Case] = [
        Case(instant: "2026-03-18T10:00:00Z", period: .day, zone: "UTC", start: "2026-03-18T00:00:00Z", end: "2026-03-19T00:00:00Z", hours: 24),
        Case(instant: "2026-03-18T10:00:00Z", period: .week, zone: "UTC", start: "2026-03-16T00:00:00Z", end: "2026-03-23T00:00:00Z", hours: 168),
        Case(instant: "2026-03-16T00:00:00Z", period: .week, zone: "UTC", start: "2026-03-16T00:00:00Z", end: "2026-03-23T00:00:00Z", hours: 168),
        Case(instant: "2026-03-15T23:59:59Z", period: .week, zone: "UTC", start: "2026-03-09T00:00:00Z", end: "2026-03-16T00:00:00Z", hours: 168),
        Case(instant: "2026-02-28T23:00:00Z", period: .month, zone: "UTC", start: "2026-02-01T00:00:00Z", end: "2026-03-01T00:00:00Z", hours: 672),
        Case(instant: "2026-12-31T23:59:59Z", period: .month, zone: "UTC", start: "2026-12-01T00:00:00Z", end: "2027-01-01T00:00:00Z", hours: 744),
        // Tokyo (UTC+9): a day starts at 15:00Z the day before
        Case(instant: "2026-03-18T10:00:00Z", period: .day, zone: "Asia/Tokyo", start: "2026-03-17T15:00:00Z", end: "2026-03-18T15:00:00Z", hours: 24),
        Case(instant: "2026-03-18T16:00:00Z", period: .day, zone: "Asia/Tokyo", start: "2026-03-18T15:00:00Z", end: "2026-03-19T15:00:00Z", hours: 24),
        Case(instant: "2026-03-31T16:00:00Z", period: .month, zone: "Asia/Tokyo", start: "2026-03-31T15:00:00Z", end: "2026-04-30T15:00:00Z", hours: 720),
        Case(instant: "2026-03-22T16:00:00Z", period: .week, zone: "Asia/Tokyo", start: "2026-03-22T15:00:00Z", end: "2026-03-29T15:00:00Z", hours: 168),
        // New York: the spring change (2026-03-08) makes a 23-hour day, the autumn one (2026-11-01) a 25-hour day
        Case(instant: "2026-03-08T12:00:00Z", period: .day, zone: "America/New_York", start: "2026-03-08T05:00:00Z", end: "2026-03-09T04:00:00Z", hours: 23),
        Case(instant: "2026-03-08T12:00:00Z", period: .week, zone: "America/New_York", start: "2026-03-02T05:00:00Z", end: "2026-03-09T04:00:00Z", hours: 167),
        Case(instant: "2026-03-20T12:00:00Z", period: .month, zone: "America/New_York", start: "2026-03-01T05:00:00Z", end: "2026-04-01T04:00:00Z", hours: 743),
        Case(instant: "2026-11-01T12:00:00Z", period: .day, zone: "America/New_York", start: "2026-11-01T04:00:00Z", end: "2026-11-02T05:00:00Z", hours: 25),
        Case(instant: "2026-03-09T03:59:59Z", period: .day, zone: "America/New_York", start: "2026-03-08T05:00:00Z", end: "2026-03-09T04:00:00Z", hours: 23),
    ]

    @Test(arguments: cases)
    func windows(_ c: Case) throws {
        let zone = try #require(TimeZone(identifier: c.zone))
        let window = CalendarWindow.containing(Self.date(c.instant), period: c.period, zone: zone)
        #expect(window.start == Self.date(c.start))
        #expect(window.end == Self.date(c.end))
        #expect(window.end.timeIntervalSince(window.start) == c.hours * 3600)
        #expect(window.start <= Self.date(c.instant) && Self.date(c.instant) < window.end)
    }

    @Test func localDaysNameTheWindowInItsZone() throws {
        let tokyo = CalendarWindow.containing(Self.date("2026-03-18T10:00:00Z"), period: .day, zone: try #require(TimeZone(identifier: "Asia/Tokyo")))
        #expect(tokyo.firstDay == "2026-03-18")
        #expect(tokyo.endDay == "2026-03-19")
        let month = CalendarWindow.containing(Self.date("2026-12-31T12:00:00Z"), period: .month, zone: try #require(TimeZone(identifier: "UTC")))
        #expect(month.firstDay == "2026-12-01")
        #expect(month.endDay == "2027-01-01")
    }
}
