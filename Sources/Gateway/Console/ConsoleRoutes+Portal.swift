import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// The tenant portal: balance, budgets and how much of each is used, charged per day and per key,
    /// and the tenant's tasks with their billing. Everything is the signed-in key's own tenant's.
    func registerPortal(on portal: RouterGroup<ConsoleContext>) {
        portal.get("/") { _, context in try await portalHome(context) }
        registerStatements(on: portal)
        portal.get("tasks") { request, context -> Response in
            guard let tenantID = try context.requireSession().tenantID else { throw ConsoleFailure(status: .forbidden, message: "not signed in") }
            return try await taskPage(request, context, tenantID: tenantID)
        }
    }

    func portalHome(_ context: ConsoleContext) async throws -> Response {
        let session = try context.requireSession()
        guard let tenantID = session.tenantID, let keyID = session.apiKeyID,
              let tenant = try await TenantStore(pool: pool).get(tenantID) else { throw ConsoleFailure.notFound("tenant") }
        let keyStore = APIKeyStore(pool: pool)
        let keys = try await keyStore.list(tenantID: tenantID, limit: 200, cursor: nil)?.items ?? []
        let (points, currency) = try await chargedPerDay(tenantID: tenantID, now: Date())
        func money(_ micros: Int64) -> String { MoneyText.text(micros, currency) }

        // every budget's current window as the tenant and key resources show it (calendar-aligned in the
        // tenant's time zone): used = charged in the window + held open now
        let zone = tenant.settings.timeZone
        var budgets = tenant.budgets.map { Self.budgetRow(name: "tenant \($0.period.rawValue) budget", status: $0, zone: zone, money: money) }
        for key in keys where key.revokedAt == nil {
            budgets += key.budgets.map { Self.budgetRow(name: "key “\(key.settings.name)” \($0.period.rawValue) budget", status: $0, zone: zone, money: money) }
            if let limit = key.settings.totalBudgetMicros {
                budgets.append(Self.budgetRow(name: "key “\(key.settings.name)” total budget", window: "all time",
                                              used: key.chargedMicros + key.reservedMicros, limit: limit, money: money))
            }
        }
        var values = try page(context, title: "Balance and spend", current: "/portal/")
        values["tenant_name"] = tenant.settings.name
        values["key_name"] = keys.first { $0.id == keyID }?.settings.name ?? ""
        values["suspended"] = tenant.settings.status == .suspended
        values["available"] = money(tenant.balance.availableMicros)
        values["credits"] = money(tenant.balance.creditsMicros)
        values["charged"] = money(tenant.balance.chargedMicros)
        values["reserved"] = money(tenant.balance.reservedMicros)
        values["budgets"] = budgets
        values["currency"] = currency
        values["chart_svg"] = SVGChart.bars(points, title: "Charged per day over the last 30 days, \(currency)", format: MoneyText.text)
        values["keys_svg"] = SVGChart.bars(keys.map { ChartPoint(label: $0.settings.name, value: $0.chargedMicros) },
                                           title: "Charged per key, \(currency)", format: MoneyText.text)
        return pages.response("portal", values)
    }

    /// One budget line: used against the limit, as a share and as a meter's value.
    static func budgetRow(name: String, window: String, used: Int64, limit: Int64, money: (Int64) -> String) -> [String: Any] {
        ["name": name, "window": window, "used": money(used), "limit": money(limit), "share": share(used: used, limit: limit),
         "used_micros": "\(max(0, min(used, limit)))", "limit_micros": "\(max(limit, 1))", "over": used > limit]
    }

    static func budgetRow(name: String, status: BudgetStatus, zone: String, money: (Int64) -> String) -> [String: Any] {
        budgetRow(name: name, window: "\(time(status.windowStart)) – \(time(status.windowEnd)) (\(status.period.rawValue) in \(zone))",
                  used: status.spentMicros + status.reservedMicros, limit: status.amountMicros, money: money)
    }
}
