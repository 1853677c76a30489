import Foundation
import Postgres

/// Every budget of the tenant and of the key, checked in the reserve transaction under their row locks:
/// charges in the current window + open reservations + amount ≤ budget (docs/money.md). A refusal names
/// subject and period ("key day budget", "tenant week budget"); the older names stay in brackets.
enum BudgetCheck {
    struct Subject {
        var id: UUID
        var name: String
        var budgets: [Budget]
        var reserved: Int64
        /// The refusal text of a month budget for the older clients (`monthly budget`, `key budget`).
        var olderName: (WindowPeriod) -> String?
    }

    static func check(_ amount: Int64, tenant: PostgresRow, key: PostgresRow, tenantID: UUID, keyID: UUID,
                      on connection: PostgresConnection) async throws {
        let keyPeriod = BudgetPeriod(rawValue: try key.decode(String.self, "budget_period")) ?? .total
        let keyPair = try key.decode(Int64?.self, "budget_micros")
        let keyReserved = try key.decode(Int64.self, "reserved_micros")
        if keyPeriod == .total, let budget = keyPair, try key.decode(Int64.self, "charged_micros") + keyReserved + amount > budget {
            throw ReservationRefusal.quotaExhausted("key budget")
        }
        var keySettings = APIKeySettings(name: "", budgetMicros: keyPair, budgetPeriod: keyPeriod)
        keySettings.dayBudgetMicros = try key.decode(Int64?.self, "day_budget_micros")
        keySettings.weekBudgetMicros = try key.decode(Int64?.self, "week_budget_micros")
        keySettings.monthBudgetMicros = try key.decode(Int64?.self, "month_budget_micros")
        let tenantBudgets = Budget.list(day: try tenant.decode(Int64?.self, "day_budget_micros"),
                                        week: try tenant.decode(Int64?.self, "week_budget_micros"),
                                        month: try tenant.decode(Int64?.self, "monthly_budget_micros"))
        let subjects = [
            Subject(id: tenantID, name: "tenant", budgets: tenantBudgets, reserved: try tenant.decode(Int64.self, "reserved_micros"),
                    olderName: { $0 == .month ? "monthly budget" : nil }),
            Subject(id: keyID, name: "key", budgets: keySettings.budgets, reserved: keyReserved,
                    olderName: { keyPeriod.window == $0 ? "key budget" : nil }),
        ]
        guard subjects.contains(where: { !$0.budgets.isEmpty }) else { return }
        let zone = TimeZone(identifier: try tenant.decode(String.self, "time_zone")) ?? TimeZone(identifier: "UTC")!
        let now = try tenant.decode(Date.self, "db_now")
        let spent = try await BudgetUsage.spent(subjects: [tenantID, keyID], now: now, zone: zone, on: connection)
        for subject in subjects {
            for budget in subject.budgets {
                let used = spent[subject.id]?[budget.period] ?? 0
                if used + subject.reserved + amount > budget.amountMicros {
                    let name = "\(subject.name) \(budget.period.rawValue) budget"
                    throw ReservationRefusal.quotaExhausted(subject.olderName(budget.period).map { "\(name) (\($0))" } ?? name)
                }
            }
        }
    }
}
