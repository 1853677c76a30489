import Accounting
import Foundation
import Hummingbird
import Kling

extension ConsoleRoutes {
    /// A tenant's day, week and month budgets and its time zone: the form makes the PATCH body the admin
    /// API takes (`budgets`, `time_zone`), read by the same field rules and stored by the same store.
    func registerBudgets(on console: RouterGroup<ConsoleContext>) {
        console.post("tenants/{id}/budgets") { _, context -> Response in
            let caller = try context.principal()
            let id = try Self.id(context)
            let form = context.form
            var budgets: [JSONValue] = []
            for period in WindowPeriod.allCases {
                guard let text = form.value("\(period.rawValue)_budget_micros") else { continue }  // empty: no budget of this period
                budgets.append(.object(["period": .string(period.rawValue), "amount_micros": Int64(text).map(JSONValue.int) ?? .string(text)]))
            }
            var fields: [String: JSONValue] = ["budgets": .array(budgets)]
            if let zone = form.value("time_zone") { fields["time_zone"] = .string(zone) }
            let body = AdminBody(fields: fields)
            var changes = TenantChanges()
            changes.budgets = try body.field("budgets", .budgets).patch("budgets")
            changes.timeZone = try body.field("time_zone", .text(1...100)).patch("time_zone")
            let tenants = TenantStore(pool: pool)
            guard try await AdminRoutes.budgetErrors({ try await tenants.update(id, changes, actor: caller.actor) }) != nil else {
                throw ConsoleFailure.notFound("tenant")
            }
            return ConsolePages.redirect("/console/tenants/\(id.uuidString.lowercased())#budgets")
        }
    }

    /// Each budget as the admin tenant resource shows it: amount, spent and reserved in the current
    /// window, the window's start and end; and the form's current amounts.
    static func budgetValues(_ tenant: Tenant, currency: String) -> [String: Any] {
        func money(_ micros: Int64) -> String { MoneyText.text(micros, currency) }
        var values: [String: Any] = [
            "time_zone": tenant.settings.timeZone,
            "budgets": tenant.budgets.map { budget -> [String: Any] in
                ["period": budget.period.rawValue, "amount": money(budget.amountMicros), "spent": money(budget.spentMicros),
                 "reserved": money(budget.reservedMicros), "window_start": Self.time(budget.windowStart), "window_end": Self.time(budget.windowEnd),
                 "share": Self.share(used: budget.spentMicros + budget.reservedMicros, limit: budget.amountMicros)]
            },
        ]
        for period in WindowPeriod.allCases {
            values["\(period.rawValue)_budget_micros"] = tenant.settings.budgets.first { $0.period == period }.map { "\($0.amountMicros)" } ?? ""
        }
        return values
    }

    /// The share of a limit used, in tenths of a percent, from integers ("—" without a limit).
    static func share(used: Int64, limit: Int64) -> String {
        guard limit > 0 else { return "—" }
        let (scaled, overflow) = used.multipliedReportingOverflow(by: 1000)
        let tenths = overflow ? Int64.max : scaled / limit
        return "\(tenths / 10).\(abs(tenths % 10))%"
    }
}
