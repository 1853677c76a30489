import Accounting
import Hummingbird

extension AdminRoutes {
    /// `POST/GET /admin/v1/tenants/{id}/keys`, `GET/PATCH/DELETE /admin/v1/keys/{id}`.
    func registerKeys(on admin: RouterGroup<AdminContext>) {
        let keys = APIKeyStore(pool: pool)

        admin.post("tenants/{id}/keys") { request, context -> Response in
            let caller = try context.caller()
            let tenantID = try AdminRequest.id(context, "tenant")
            let body = try await AdminBody.read(request, context: context)
            var settings = APIKeySettings(
                name: try body.field("name", .name).required("name"),
                budgetMicros: try body.field("budget_micros", .micros).valueOrNil,
                budgetPeriod: try body.field("budget_period", FieldRule<BudgetPeriod>.choice).valueOrNil ?? .total,
                allowedModels: try body.field("allowed_models", .models).valueOrNil,
                expiresAt: try body.field("expires_at", .futureTime).valueOrNil,
                maxConcurrentTasks: try body.field("max_concurrent_tasks", .positiveCount).valueOrNil,
                rpmLimit: try body.field("rpm_limit", .positiveCount).valueOrNil,
                scopes: try body.field("scopes", FieldRule<[KeyScope]>.scopes).valueOrNil ?? KeyScope.all
            )
            if let budgets = try body.field("budgets", .budgets).valueOrNil {
                try await Self.budgetErrors { try settings.setBudgets(budgets, keepingPair: true) }
            }
            guard let (key, secret) = try await Self.budgetErrors({ try await keys.create(tenantID: tenantID, settings, actor: caller.actor) }) else {
                throw AdminAPIError.notFound("tenant")
            }
            context.logger.info("api key created", metadata: ["tenant_id": "\(tenantID.uuidString.lowercased())", "key_id": "\(key.id.uuidString.lowercased())"])
            return try JSONResponse.make(RevealedSecret(resource: key, field: "key", secret: secret), status: .created)
        }

        admin.get("tenants/{id}/keys") { request, context -> Response in
            let tenantID = try AdminRequest.id(context, "tenant")
            let (limit, cursor) = try AdminRequest.page(request)
            guard let page = try await keys.list(tenantID: tenantID, limit: limit, cursor: try AdminRequest.uuidCursor(cursor)) else {
                throw AdminAPIError.notFound("tenant")
            }
            return try JSONResponse.make(page)
        }

        admin.get("keys/{id}") { _, context -> Response in
            guard let key = try await keys.get(try AdminRequest.id(context, "key")) else { throw AdminAPIError.notFound("key") }
            return try JSONResponse.make(key)
        }

        admin.patch("keys/{id}") { request, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "key")
            let body = try await AdminBody.read(request, context: context)
            var changes = APIKeyChanges()
            changes.name = try body.field("name", .name).patch("name")
            changes.budgetMicros = try body.field("budget_micros", .micros).clearable
            changes.budgetPeriod = try body.field("budget_period", FieldRule<BudgetPeriod>.choice).patch("budget_period")
            changes.allowedModels = try body.field("allowed_models", .models).clearable
            changes.expiresAt = try body.field("expires_at", .futureTime).clearable
            changes.maxConcurrentTasks = try body.field("max_concurrent_tasks", .positiveCount).clearable
            changes.rpmLimit = try body.field("rpm_limit", .positiveCount).clearable
            // null gives the key every scope again, as a key made without `scopes` has
            switch try body.field("scopes", FieldRule<[KeyScope]>.scopes) {
            case .absent: break
            case .null: changes.scopes = .set(KeyScope.all)
            case .value(let scopes): changes.scopes = .set(scopes)
            }
            changes.budgets = try body.field("budgets", .budgets).patch("budgets")
            guard let key = try await Self.budgetErrors({ try await keys.update(id, changes, actor: caller.actor) }) else {
                throw AdminAPIError.notFound("key")
            }
            context.logger.info("api key updated", metadata: ["key_id": "\(id.uuidString.lowercased())"])
            return try JSONResponse.make(key)
        }

        admin.delete("keys/{id}") { _, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "key")
            guard let key = try await keys.revoke(id, actor: caller.actor) else { throw AdminAPIError.notFound("key") }
            context.logger.info("api key revoked", metadata: ["key_id": "\(id.uuidString.lowercased())"])
            return try JSONResponse.make(key)
        }
    }
}
