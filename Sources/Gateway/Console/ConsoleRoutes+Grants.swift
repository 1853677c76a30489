import Accounting
import Foundation
import Hummingbird
import Kling

extension ConsoleRoutes {
    /// A tenant's credit grants (docs/money.md): create and void, through the admin API's field rules
    /// (`AdminRoutes.grantRequest`) and its store, which writes the ledger row and the audit entry.
    func registerGrants(on console: RouterGroup<ConsoleContext>) {
        let grants = GrantStore(pool: pool)

        console.post("tenants/{id}/grants") { _, context -> Response in
            let caller = try context.principal()
            let tenantID = try Self.id(context)
            let body = context.form.adminBody(text: ["name", "effective_at", "expires_at", "idempotency_key"],
                                              numbers: ["amount_micros", "priority"], lists: ["models"])
            let request = try AdminRoutes.grantRequest(body)
            let outcome: (grant: CreditGrant, created: Bool)?
            do {
                outcome = try await grants.create(tenantID: tenantID, request, actor: caller.actor)
            } catch let error as GrantError {
                throw AdminRoutes.apiError(error)
            }
            guard let outcome else { throw ConsoleFailure.notFound("tenant") }
            context.logger.info("grant created from the console", metadata: ["grant_id": "\(outcome.grant.id.uuidString.lowercased())"])
            return ConsolePages.redirect("/console/tenants/\(tenantID.uuidString.lowercased())#grants")
        }

        console.post("grants/{id}/void") { _, context -> Response in
            let caller = try context.principal()
            let id = try Self.id(context)
            let voided: CreditGrant?
            do {
                voided = try await grants.void(id, actor: caller.actor)
            } catch let error as GrantError {
                throw AdminRoutes.apiError(error)
            }
            guard let voided else { throw ConsoleFailure.notFound("grant") }
            return ConsolePages.redirect("/console/tenants/\(voided.tenantID.uuidString.lowercased())#grants")
        }
    }

    /// The tenant page's grants, as `GET /admin/v1/tenants/{id}/grants` lists them.
    func grantValues(_ tenantID: UUID, currency: String) async throws -> [String: Any] {
        let list = try await GrantStore(pool: pool).list(tenantID: tenantID) ?? []
        func money(_ micros: Int64) -> String { MoneyText.text(micros, currency) }
        return [
            "grants": list.map { grant -> [String: Any] in
                ["id": grant.id.uuidString.lowercased(), "name": grant.name, "status": grant.status.rawValue,
                 "amount": money(grant.amountMicros), "remaining": money(grant.remainingMicros), "held": money(grant.heldMicros),
                 "used": money(grant.usedMicros), "expired": money(grant.expiredMicros), "voided": money(grant.voidedMicros),
                 "priority": "\(grant.priority)", "effective_at": Self.time(grant.effectiveAt), "expires_at": Self.time(grant.expiresAt),
                 "models": grant.models?.joined(separator: ", ") ?? "all",
                 "voidable": grant.status != .voided && grant.status != .expired]
            },
            "grant_idempotency_key": "console-grant-" + UUID().uuidString.lowercased(),
        ]
    }
}
