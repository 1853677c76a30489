import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// The tenant portal: balance, budgets and how much of each is used, charged per day and per key,
    /// and the tenant's tasks with their billing. Everything is the signed-in key's own tenant's.
    func registerPortal(on portal: RouterGroup<ConsoleContext>) {
        portal.get("/") { _, context in try await portalHome(context) }
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

        var budgets: [[String: Any]] = []
        if let limit = tenant.settings.monthlyBudgetMicros {
            budgets.append(Self.budgetRow(name: "tenant monthly budget", window: "this calendar month (UTC)",
                                          used: tenant.spentThisMonthMicros, limit: limit, money: money))
        }
        for key in keys where key.revokedAt == nil {
            guard let limit = key.settings.budgetMicros else { continue }
            let monthly = key.settings.budgetPeriod == .month
            budgets.append(Self.budgetRow(name: "key “\(key.settings.name)”", window: monthly ? "this calendar month (UTC)" : "all time",
                                          used: monthly ? key.spentThisMonthMicros : key.chargedMicros, limit: limit, money: money))
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

    /// One budget line; the share used in tenths of a percent, from integers.
    static func budgetRow(name: String, window: String, used: Int64, limit: Int64, money: (Int64) -> String) -> [String: Any] {
        var share = "—"
        if limit > 0 {
            let (scaled, overflow) = used.multipliedReportingOverflow(by: 1000)
            let tenths = overflow ? Int64.max : scaled / limit
            share = "\(tenths / 10).\(abs(tenths % 10))%"
        }
        return ["name": name, "window": window, "used": money(used), "limit": money(limit), "share": share]
    }
}
