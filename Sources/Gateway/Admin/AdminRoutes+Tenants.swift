import Accounting
import Hummingbird

extension AdminRoutes {
    /// `POST/GET /admin/v1/tenants`, `GET/PATCH /admin/v1/tenants/{id}`.
    func registerTenants(on admin: RouterGroup<AdminContext>) {
        let tenants = TenantStore(pool: pool)

        admin.post("tenants") { request, context -> Response in
            let caller = try context.caller()
            let body = try await AdminBody.read(request, context: context)
            var settings = TenantSettings(
                name: try body.field("name", .name).required("name"),
                creditLimitMicros: try body.field("credit_limit_micros", .micros).valueOrNil ?? 0,
                monthlyBudgetMicros: try body.field("monthly_budget_micros", .micros).valueOrNil,
                maxConcurrentTasks: try body.field("max_concurrent_tasks", .positiveCount).valueOrNil,
                rpmLimit: try body.field("rpm_limit", .positiveCount).valueOrNil,
                callbackURL: try body.field("callback_url", .httpURL).valueOrNil
            )
            settings.timeZone = try body.field("time_zone", .text(1...100)).valueOrNil ?? "UTC"
            if let budgets = try body.field("budgets", .budgets).valueOrNil {
                settings.budgets = try Self.withMonthAlias(budgets, settings.monthlyBudgetMicros)
            }
            settings.eventsURL = try body.field("events_url", .httpURL).valueOrNil
            settings.alertThresholds = try body.field("alert_thresholds", .alertThresholds).valueOrNil ?? TenantSettings.defaultAlertThresholds
            settings.lowBalanceMicros = try body.field("low_balance_micros", .micros).valueOrNil
            try await refusePrivateCallback(settings.callbackURL)
            try await refusePrivateCallback(settings.eventsURL, field: "events_url")
            let tenant = try await Self.budgetErrors { try await tenants.create(settings, actor: caller.actor) }
            context.logger.info("tenant created", metadata: ["tenant_id": "\(tenant.id.uuidString.lowercased())"])
            return try JSONResponse.make(tenant, status: .created)
        }

        admin.get("tenants") { request, _ -> Response in
            let (limit, cursor) = try AdminRequest.page(request)
            return try JSONResponse.make(try await tenants.list(limit: limit, cursor: try AdminRequest.uuidCursor(cursor)))
        }

        admin.get("tenants/{id}") { _, context -> Response in
            guard let tenant = try await tenants.get(try AdminRequest.id(context, "tenant")) else { throw AdminAPIError.notFound("tenant") }
            return try JSONResponse.make(tenant)
        }

        admin.patch("tenants/{id}") { request, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "tenant")
            let body = try await AdminBody.read(request, context: context)
            var changes = TenantChanges()
            changes.name = try body.field("name", .name).patch("name")
            changes.status = try body.field("status", FieldRule<TenantStatus>.choice).patch("status")
            changes.creditLimitMicros = try body.field("credit_limit_micros", .micros).patch("credit_limit_micros")
            changes.monthlyBudgetMicros = try body.field("monthly_budget_micros", .micros).clearable
            changes.maxConcurrentTasks = try body.field("max_concurrent_tasks", .positiveCount).clearable
            changes.rpmLimit = try body.field("rpm_limit", .positiveCount).clearable
            changes.callbackURL = try body.field("callback_url", .httpURL).clearable
            changes.timeZone = try body.field("time_zone", .text(1...100)).patch("time_zone")
            changes.budgets = try body.field("budgets", .budgets).patch("budgets")
            if case .set(let budgets) = changes.budgets, case .set(let month) = changes.monthlyBudgetMicros {
                changes.budgets = .set(try Self.withMonthAlias(budgets, month))
            }
            changes.eventsURL = try body.field("events_url", .httpURL).clearable
            changes.alertThresholds = try body.field("alert_thresholds", .alertThresholds).patch("alert_thresholds")
            changes.lowBalanceMicros = try body.field("low_balance_micros", .micros).clearable
            if case .set(let url?) = changes.callbackURL { try await refusePrivateCallback(url) }
            if case .set(let url?) = changes.eventsURL { try await refusePrivateCallback(url, field: "events_url") }
            guard let tenant = try await Self.budgetErrors({ try await tenants.update(id, changes, actor: caller.actor) }) else {
                throw AdminAPIError.notFound("tenant")
            }
            context.logger.info("tenant updated", metadata: ["tenant_id": "\(id.uuidString.lowercased())"])
            return try JSONResponse.make(tenant)
        }
    }

    /// A callback_url the sender would refuse is refused now (422), not dropped later in silence.
    func refusePrivateCallback(_ url: String?, field: String = "callback_url") async throws {
        guard let url, await CallbackTarget.refusedAtWrite(url, allowPrivate: allowPrivateCallbacks) else { return }
        throw AdminAPIError.invalid("\(field): loopback, private and link-local addresses are refused (OMNIMETER_ALLOW_PRIVATE_CALLBACKS=1 allows them)")
    }
}
