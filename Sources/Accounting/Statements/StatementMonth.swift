import Foundation

/// A calendar month named `YYYY-MM`. Where it starts and ends depends on the tenant's time zone:
/// the SQL reads each tenant's zone and takes local midnight of the 1st (docs: README "Statements").
public struct StatementMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Exactly `YYYY-MM` (four digits, dash, two digits).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]) else { return nil }
        self.init(year: year, month: month)
    }

    /// `YYYY-MM`.
    public var description: String {
        String(format: "%04d-%02d", year, month)
    }

    /// `YYYY-MM-01`, bound as text and cast to `date` in SQL.
    var firstDay: String { "\(description)-01" }

    /// `[start, end)` of this month in `zone` (the same window the SQL takes).
    public func window(in zone: TimeZone) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return (start, end)
    }

    public static func < (lhs: StatementMonth, rhs: StatementMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
