import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// The portal's statements: `GET /portal/statements` lists every month from the tenant's creation to
    /// now (in its time zone), newest first; `GET /portal/statements/{YYYY-MM}[.html|.csv]` answers what
    /// `GET /v1/statements/{YYYY-MM}[.html|.csv]` answers, from the same store and the same formatter.
    func registerStatements(on portal: RouterGroup<ConsoleContext>) {
        portal.get("statements") { _, context -> Response in
            let tenant = try await portalTenant(context)
            let zone = TimeZone(identifier: tenant.settings.timeZone) ?? TimeZone(identifier: "UTC")!
            var values = try page(context, title: "Statements", current: "/portal/statements")
            values["tenant_name"] = tenant.settings.name
            values["time_zone"] = tenant.settings.timeZone
            values["months"] = Self.months(from: tenant.createdAt, to: Date(), zone: zone).reversed().enumerated().map { index, month in
                ["month": month.description, "current": index == 0] as [String: Any]
            }
            return pages.response("statements", values)
        }

        portal.get("statements/{month}") { _, context -> Response in
            let tenant = try await portalTenant(context)
            guard let text = context.parameters.get("month"), let path = StatementPath(text) else {
                throw ConsoleFailure.notFound("statement (expected YYYY-MM, YYYY-MM.csv or YYYY-MM.html)")
            }
            switch try await StatementStore(pool: pool).statement(tenantID: tenant.id, month: path.month) {
            case .noSuchTenant:
                throw ConsoleFailure.notFound("tenant")
            case .notBegun:
                throw ConsoleFailure.notFound("statement: \(path.month) has not begun")
            case .found(let statement, let carried):
                return try StatementFormat.response(statement, form: path.form, tenantName: tenant.settings.name, carried: carried) {
                    try JSONResponse.make(statement)
                }
            }
        }

        portal.get("deliveries") { request, context -> Response in
            let tenant = try await portalTenant(context)
            return try await deliveriesPage(request, context, tenant: tenant, path: "/portal/deliveries")
        }
    }

    /// The signed-in key's own tenant.
    func portalTenant(_ context: ConsoleContext) async throws -> Tenant {
        guard let tenantID = try context.requireSession().tenantID, let tenant = try await TenantStore(pool: pool).get(tenantID) else {
            throw ConsoleFailure.notFound("tenant")
        }
        return tenant
    }

    /// Every calendar month in `zone` from the one holding `from` to the one holding `to`, oldest first.
    static func months(from: Date, to: Date, zone: TimeZone) -> [StatementMonth] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let first = calendar.dateComponents([.year, .month], from: from)
        let last = calendar.dateComponents([.year, .month], from: to)
        guard var year = first.year, var month = first.month, let endYear = last.year, let endMonth = last.month else { return [] }
        var months: [StatementMonth] = []
        while (year, month) <= (endYear, endMonth), let current = StatementMonth(year: year, month: month) {
            months.append(current)
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return months
    }
}
