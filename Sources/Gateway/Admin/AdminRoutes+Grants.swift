import Accounting
import Foundation
import Hummingbird
import Kling

extension AdminRoutes {
    /// Credit grants (docs/money.md): `POST/GET /admin/v1/tenants/{id}/grants`, `GET /admin/v1/grants/{id}`,
    /// `POST /admin/v1/grants/{id}/void`.
    func registerGrants(on admin: RouterGroup<AdminContext>) {
        let grants = GrantStore(pool: pool)

        admin.post("tenants/{id}/grants") { request, context -> Response in
            let caller = try context.caller()
            let tenantID = try AdminRequest.id(context, "tenant")
            let body = try await AdminBody.read(request, context: context)
            let grant = try Self.grantRequest(body)
            let outcome: (grant: CreditGrant, created: Bool)?
            do {
                outcome = try await grants.create(tenantID: tenantID, grant, actor: caller.actor)
            } catch let error as GrantError {
                throw Self.apiError(error)
            }
            guard let outcome else { throw AdminAPIError.notFound("tenant") }
            return try JSONResponse.make(outcome.grant, status: outcome.created ? .created : .ok)
        }

        admin.get("tenants/{id}/grants") { _, context -> Response in
            guard let list = try await grants.list(tenantID: try AdminRequest.id(context, "tenant")) else {
                throw AdminAPIError.notFound("tenant")
            }
            return try JSONResponse.make(Page(items: list, nextCursor: nil))
        }

        admin.get("grants/{id}") { _, context -> Response in
            guard let grant = try await grants.get(try AdminRequest.id(context, "grant")) else { throw AdminAPIError.notFound("grant") }
            return try JSONResponse.make(grant)
        }

        admin.post("grants/{id}/void") { _, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "grant")
            let voided: CreditGrant?
            do {
                voided = try await grants.void(id, actor: caller.actor)
            } catch let error as GrantError {
                throw Self.apiError(error)
            }
            guard let voided else { throw AdminAPIError.notFound("grant") }
            return try JSONResponse.make(voided)
        }
    }

    /// The grant a create asks for, by the field rules of `POST /admin/v1/tenants/{id}/grants` (the console's form too).
    static func grantRequest(_ body: AdminBody) throws -> GrantRequest {
        GrantRequest(
            amountMicros: try body.field("amount_micros", .integer(1...AdminLimits.maxMicros)).required("amount_micros"),
            name: try body.field("name", .name).required("name"),
            priority: Int(try body.field("priority", .integer(Int64(Int32.min)...Int64(Int32.max))).valueOrNil ?? 10),
            effectiveAt: try body.field("effective_at", .anyTime).valueOrNil,
            expiresAt: try body.field("expires_at", .futureTime).valueOrNil,
            models: try body.field("models", .models).valueOrNil,
            idempotencyKey: try body.field("idempotency_key", .text(1...200)).valueOrNil)
    }

    static func apiError(_ error: GrantError) -> AdminAPIError {
        switch error {
        case .idempotencyKeyReused: .conflict("idempotency_key was already used for this tenant with another amount_micros")
        case .expiresBeforeEffective: .invalid("expires_at: must be after effective_at and after now")
        case .overflow: .invalid("amount_micros: would take the tenant's balance past 2^62 micros")
        case .alreadyExpired: .conflict("grant already expired")
        }
    }
}

extension FieldRule where Value == Date {
    /// An RFC 3339 time, past or future.
    static var anyTime: FieldRule {
        FieldRule { key, json in
            guard case .string(let text) = json else { throw AdminAPIError.badRequest("\(key): must be an RFC 3339 time string") }
            guard text.count > 10, let date = RFC3339.parse(text) else {
                throw AdminAPIError.invalid("\(key): must be an RFC 3339 time such as 2030-01-31T00:00:00Z")
            }
            return date
        }
    }
}
