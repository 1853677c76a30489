import Accounting
import Foundation
import Hummingbird
import Kling
import Postgres

/// `GET /v1/account`: the calling key's tenant (limits and balance) and the key's own limits and spend,
/// in the Kling envelope.
struct AccountRoute: Sendable {
    let pool: PostgresPool

    struct Account: Encodable, Sendable {
        let tenant: Tenant
        let key: APIKey
        /// The secret that signs this tenant's callbacks (Standard Webhooks), shown only to keys with
        /// the scope `account:secrets` (absent otherwise).
        let webhookSecret: String?
        /// The tenant's credit grants, oldest first.
        let grants: [CreditGrant]
    }

    func register(on router: Router<GatewayContext>) {
        let authentication = TenantAuthentication(authenticator: KeyAuthenticator(pool: pool))
        let tenants = TenantStore(pool: pool)
        let keys = APIKeyStore(pool: pool)

        // a suspended tenant still reads its account
        TenantRoutes.group(router, "v1", authentication).get("account") { _, context -> Response in
            let caller = try context.caller()
            // Both exist: the key was just found with its tenant, and neither is ever deleted.
            guard let tenant = try await tenants.get(caller.tenantID), let key = try await keys.get(caller.keyID),
                  let secret = try await tenants.webhookSecret(caller.tenantID) else {
                throw KlingAPIError.unknownKey
            }
            let shown = caller.has(.accountSecrets) ? secret : nil  // every valid key may read the rest
            let grants = try await GrantStore(pool: pool).list(tenantID: caller.tenantID) ?? []
            let data = try JSONValue.decode(JSONResponse.encoder.encode(Account(tenant: tenant, key: key, webhookSecret: shown, grants: grants)))
            return JSONResponse.kling(data, requestID: context.requestID)
        }
    }
}
