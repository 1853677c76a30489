import Accounting
import Foundation
import Kling

extension FieldRule where Value == [Budget] {
    /// `[{"period":"day"|"week"|"month","amount_micros":N}]`, at most one per period.
    static var budgets: FieldRule {
        FieldRule { key, json in
            guard case .array(let items) = json else { throw AdminAPIError.badRequest("\(key): must be an array of {period, amount_micros}") }
            var budgets: [Budget] = []
            for (index, item) in items.enumerated() {
                guard case .object(let fields) = item else { throw AdminAPIError.badRequest("\(key)[\(index)]: must be an object") }
                let body = AdminBody(fields: fields)
                let period = try body.field("period", FieldRule<WindowPeriod>.choice).required("\(key)[\(index)].period")
                let amount = try body.field("amount_micros", .micros).required("\(key)[\(index)].amount_micros")
                if let unknown = fields.keys.first(where: { $0 != "period" && $0 != "amount_micros" }) {
                    throw AdminAPIError.invalid("\(key)[\(index)].\(unknown): unknown field")
                }
                guard !budgets.contains(where: { $0.period == period }) else {
                    throw AdminAPIError.invalid("\(key): at most one \(period.rawValue) budget")
                }
                budgets.append(Budget(period: period, amountMicros: amount))
            }
            return budgets
        }
    }
}

extension AdminRoutes {
    /// `monthly_budget_micros` names the month budget: given beside `budgets` it joins the list, and a
    /// `budgets` month of another amount is 422.
    static func withMonthAlias(_ budgets: [Budget], _ monthly: Int64?) throws -> [Budget] {
        guard let monthly else { return budgets }
        if let month = budgets.first(where: { $0.period == .month }) {
            guard month.amountMicros == monthly else {
                throw AdminAPIError.invalid("budgets: the month budget \(month.amountMicros) disagrees with monthly_budget_micros \(monthly)")
            }
            return budgets
        }
        return budgets + [Budget(period: .month, amountMicros: monthly)]
    }

    /// Budget rules the store enforces (one budget per period, a known time zone) answer 422.
    static func budgetErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as BudgetError {
            throw AdminAPIError.invalid(error.message)
        }
    }
}
