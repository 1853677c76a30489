import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// A tenant's keys: create (the answer shows the secret, this once) and revoke.
    func registerKeys(on console: RouterGroup<ConsoleContext>) {
        let keys = APIKeyStore(pool: pool)

        console.post("tenants/{id}/keys") { _, context -> Response in
            let caller = try context.principal()
            let tenantID = try Self.id(context)
            let body = context.form.adminBody(text: ["name", "budget_period"], numbers: ["budget_micros", "max_concurrent_tasks", "rpm_limit"],
                                              lists: ["allowed_models"])
            let settings = APIKeySettings(
                name: try body.field("name", .name).required("name"),
                budgetMicros: try body.field("budget_micros", .micros).valueOrNil,
                budgetPeriod: try body.field("budget_period", FieldRule<BudgetPeriod>.choice).valueOrNil ?? .total,
                allowedModels: try body.field("allowed_models", .models).valueOrNil,
                maxConcurrentTasks: try body.field("max_concurrent_tasks", .positiveCount).valueOrNil,
                rpmLimit: try body.field("rpm_limit", .positiveCount).valueOrNil)
            guard let created = try await keys.create(tenantID: tenantID, settings, actor: caller.actor) else {
                throw ConsoleFailure.notFound("tenant")
            }
            context.logger.info("api key created from the console", metadata: ["key_id": "\(created.key.id.uuidString.lowercased())"])
            return try await tenantPage(tenantID, context, newKey: created)
        }

        console.post("keys/{id}/revoke") { _, context -> Response in
            let caller = try context.principal()
            guard let key = try await keys.revoke(try Self.id(context), actor: caller.actor) else { throw ConsoleFailure.notFound("key") }
            return ConsolePages.redirect("/console/tenants/\(key.tenantID.uuidString.lowercased())")
        }
    }
}
