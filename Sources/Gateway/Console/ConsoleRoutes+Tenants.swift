import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// Tenants: list with balance, create, one tenant's page, edit limits and status, top up.
    /// Each write reads its form through the admin API's field rules and calls the admin API's store.
    func registerTenants(on console: RouterGroup<ConsoleContext>) {
        let tenants = TenantStore(pool: pool)

        console.get("tenants") { request, context -> Response in
            let cursor = try AdminRequest.uuidCursor(ReportParameters(request).text("cursor"))
            let list = try await tenants.list(limit: 100, cursor: cursor)
            let currency = try await prices.current().book.currency
            var values = try page(context, title: "Tenants", current: "/console/tenants")
            values["tenants"] = list.items.map { tenant -> [String: Any] in
                ["id": tenant.id.uuidString.lowercased(), "name": tenant.settings.name, "status": tenant.settings.status.rawValue,
                 "credits": MoneyText.text(tenant.balance.creditsMicros, currency), "charged": MoneyText.text(tenant.balance.chargedMicros, currency),
                 "reserved": MoneyText.text(tenant.balance.reservedMicros, currency), "available": MoneyText.text(tenant.balance.availableMicros, currency)]
            }
            if let next = list.nextCursor { values["next"] = next }
            return pages.response("tenants", values)
        }

        console.post("tenants") { _, context -> Response in
            let caller = try context.principal()
            let body = context.form.adminBody(text: ["name"], numbers: ["credit_limit_micros", "monthly_budget_micros", "max_concurrent_tasks", "rpm_limit"])
            let settings = TenantSettings(
                name: try body.field("name", .name).required("name"),
                creditLimitMicros: try body.field("credit_limit_micros", .micros).valueOrNil ?? 0,
                monthlyBudgetMicros: try body.field("monthly_budget_micros", .micros).valueOrNil,
                maxConcurrentTasks: try body.field("max_concurrent_tasks", .positiveCount).valueOrNil,
                rpmLimit: try body.field("rpm_limit", .positiveCount).valueOrNil)
            let tenant = try await tenants.create(settings, actor: caller.actor)
            context.logger.info("tenant created from the console", metadata: ["tenant_id": "\(tenant.id.uuidString.lowercased())"])
            return ConsolePages.redirect("/console/tenants/\(tenant.id.uuidString.lowercased())")
        }

        console.get("tenants/{id}") { _, context -> Response in
            try await tenantPage(try Self.id(context), context, newKey: nil)
        }

        console.post("tenants/{id}") { _, context -> Response in
            let caller = try context.principal()
            let id = try Self.id(context)
            let form = context.form
            let body = form.adminBody(text: ["name", "status"], numbers: ["credit_limit_micros"])
            let clearable = form.adminBody(numbers: ["monthly_budget_micros", "max_concurrent_tasks", "rpm_limit"], empty: .null)
            var changes = TenantChanges()
            changes.name = try body.field("name", .name).patch("name")
            changes.status = try body.field("status", FieldRule<TenantStatus>.choice).patch("status")
            changes.creditLimitMicros = try body.field("credit_limit_micros", .micros).patch("credit_limit_micros")
            changes.monthlyBudgetMicros = try clearable.field("monthly_budget_micros", .micros).clearable
            changes.maxConcurrentTasks = try clearable.field("max_concurrent_tasks", .positiveCount).clearable
            changes.rpmLimit = try clearable.field("rpm_limit", .positiveCount).clearable
            guard try await tenants.update(id, changes, actor: caller.actor) != nil else { throw ConsoleFailure.notFound("tenant") }
            return ConsolePages.redirect("/console/tenants/\(id.uuidString.lowercased())")
        }

        console.post("tenants/{id}/credits") { _, context -> Response in
            let caller = try context.principal()
            let id = try Self.id(context)
            let body = context.form.adminBody(text: ["reason", "idempotency_key"], numbers: ["amount_micros"])
            let amount = try body.field("amount_micros", .integer(-AdminLimits.maxMicros...AdminLimits.maxMicros)).required("amount_micros")
            guard amount != 0 else { throw AdminAPIError.invalid("amount_micros: must not be 0") }
            let reason = try body.field("reason", .text(1...500)).required("reason")
            let key = try body.field("idempotency_key", .text(1...200)).valueOrNil
            do {
                guard try await CreditStore(pool: pool).add(tenantID: id, amountMicros: amount, reason: reason,
                                                            idempotencyKey: key, actor: caller.actor) != nil
                else { throw ConsoleFailure.notFound("tenant") }
            } catch CreditError.idempotencyKeyReused(_) {
                throw ConsoleFailure(status: .conflict, message: "this form was already sent with another amount; reload the page")
            }
            return ConsolePages.redirect("/console/tenants/\(id.uuidString.lowercased())")
        }
    }

    var prices: PriceBookStore { PriceBookStore(pool: pool) }

    static func id(_ context: ConsoleContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw ConsoleFailure.notFound("page") }
        return id
    }

    /// One tenant: balance, limits, keys; the forms that change them for an admin; `newKey` once after a create.
    func tenantPage(_ id: UUID, _ context: ConsoleContext, newKey: (key: APIKey, secret: String)?) async throws -> Response {
        guard let tenant = try await TenantStore(pool: pool).get(id) else { throw ConsoleFailure.notFound("tenant") }
        let keyList = try await APIKeyStore(pool: pool).list(tenantID: id, limit: 200, cursor: nil)?.items ?? []
        let currency = try await prices.current().book.currency
        let settings = tenant.settings
        func money(_ micros: Int64?) -> String { micros.map { MoneyText.text($0, currency) } ?? "none" }
        var values = try page(context, title: settings.name, current: "/console/tenants")
        var shown: [String: Any] = [
            "id": id.uuidString.lowercased(), "name": settings.name, "status": settings.status.rawValue,
            "available": money(tenant.balance.availableMicros), "credits": money(tenant.balance.creditsMicros),
            "charged": money(tenant.balance.chargedMicros), "reserved": money(tenant.balance.reservedMicros),
            "spent_month": money(tenant.spentThisMonthMicros), "credit_limit": money(settings.creditLimitMicros),
            "monthly_budget": money(settings.monthlyBudgetMicros),
            "max_concurrent": settings.maxConcurrentTasks.map(String.init) ?? "none", "rpm_limit": settings.rpmLimit.map(String.init) ?? "none",
            "created_at": Self.time(tenant.createdAt),
            "credit_limit_micros": "\(settings.creditLimitMicros)", "monthly_budget_micros": settings.monthlyBudgetMicros.map(String.init) ?? "",
            "max_concurrent_tasks": settings.maxConcurrentTasks.map(String.init) ?? "", "rpm_limit_value": settings.rpmLimit.map(String.init) ?? "",
            "statuses": TenantStatus.allCases.map { ["value": $0.rawValue, "selected": $0 == settings.status] as [String: Any] },
            "models": AdminLimits.knownModels,
            // a fresh key per rendering: sending the same top-up form twice adds the credit once
            "idempotency_key": "console-" + UUID().uuidString.lowercased(),
            "keys": keyList.map { key -> [String: Any] in
                let budget = key.settings.budgetMicros.map { "\(MoneyText.text($0, currency)) (\(key.settings.budgetPeriod.rawValue))" } ?? "none"
                return ["id": key.id.uuidString.lowercased(), "name": key.settings.name, "prefix": key.prefix, "status": key.status.rawValue,
                        "budget": budget, "charged": money(key.chargedMicros), "spent_month": money(key.spentThisMonthMicros),
                        "last_used": Self.time(key.lastUsedAt), "revocable": key.revokedAt == nil]
            },
        ]
        // rate card, grants, budgets and time zone (ConsoleRoutes+Pricing, +Grants, +Budgets)
        shown.merge(try await pricingValues(id)) { _, new in new }
        shown.merge(try await grantValues(id, currency: currency)) { _, new in new }
        shown.merge(Self.budgetValues(tenant, currency: currency)) { _, new in new }
        if let newKey { shown["new_key"] = ["name": newKey.key.settings.name, "secret": newKey.secret] }
        values["tenant"] = shown
        return pages.response("tenant", values, status: newKey == nil ? .ok : .created)
    }
}
