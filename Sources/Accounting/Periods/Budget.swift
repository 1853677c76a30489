import Foundation

/// A budget of one calendar period: charges in the current window + open reservations + a new
/// reservation must stay within `amountMicros` (docs/money.md).
public struct Budget: Sendable, Equatable, Codable {
    public var period: WindowPeriod
    public var amountMicros: Int64

    public init(period: WindowPeriod, amountMicros: Int64) {
        self.period = period
        self.amountMicros = amountMicros
    }

    enum CodingKeys: String, CodingKey {
        case period
        case amountMicros = "amount_micros"
    }

    /// The list of a subject's day, week and month amounts (nil: none), in that order.
    static func list(day: Int64?, week: Int64?, month: Int64?) -> [Budget] {
        [(WindowPeriod.day, day), (.week, week), (.month, month)].compactMap { period, amount in
            amount.map { Budget(period: period, amountMicros: $0) }
        }
    }

    static func amount(_ budgets: [Budget], _ period: WindowPeriod) -> Int64? {
        budgets.first { $0.period == period }?.amountMicros
    }
}

/// A budget as `GET /v1/account` and the admin resources show it: its current window and what it holds.
public struct BudgetStatus: Sendable, Equatable, Encodable {
    public var period: WindowPeriod
    public var amountMicros: Int64
    public var spentMicros: Int64
    public var reservedMicros: Int64
    public var windowStart: Date
    public var windowEnd: Date

    enum CodingKeys: String, CodingKey {
        case period
        case amountMicros = "amount_micros"
        case spentMicros = "spent_micros"
        case reservedMicros = "reserved_micros"
        case windowStart = "window_start"
        case windowEnd = "window_end"
    }
}

public enum BudgetError: Error, Sendable, Equatable {
    /// Two budgets of one period (for example `budget_period` month beside a `budgets` month of another amount).
    case twoForOnePeriod(WindowPeriod)
    /// Not an IANA time zone this server (and its database) knows.
    case unknownTimeZone(String)

    public var message: String {
        switch self {
        case .twoForOnePeriod(let period): "budgets: at most one \(period.rawValue) budget (budget_micros/budget_period or monthly_budget_micros already set one)"
        case .unknownTimeZone(let name): "time_zone: unknown IANA time zone \(name.debugDescription)"
        }
    }
}
