import Accounting
import Foundation
import Hummingbird
import Kling

extension ConsoleRoutes {
    /// `GET /console/tenants/{id}/deliveries`: the tenant's deliveries as `GET /admin/v1/tenants/{id}/deliveries`
    /// lists them (the same store, the same JSON fields), newest first, 100 a page; and the retry button,
    /// the code path of `POST /admin/v1/deliveries/{id}/retry`.
    func registerDeliveries(on console: RouterGroup<ConsoleContext>) {
        console.get("tenants/{id}/deliveries") { request, context -> Response in
            let id = try Self.id(context)
            guard let tenant = try await TenantStore(pool: pool).get(id) else { throw ConsoleFailure.notFound("tenant") }
            return try await deliveriesPage(request, context, tenant: tenant, path: "/console/tenants/\(id.uuidString.lowercased())/deliveries")
        }

        console.post("deliveries/{id}/retry") { _, context -> Response in
            _ = try context.principal()
            guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw ConsoleFailure.notFound("delivery") }
            // the page the button was on; only a tenant id is taken, so the redirect stays on this site
            let back = context.form.value("tenant_id").flatMap(UUID.init(uuidString:))
            switch try await CallbackOutboxStore(pool: pool).retry(id) {
            case .notFound: throw ConsoleFailure.notFound("delivery")
            case .alreadyDelivered: throw ConsoleFailure(status: .conflict, message: "delivery \(id) was delivered already; nothing was changed")
            case .madeDue:
                context.logger.info("delivery retried from the console", metadata: ["delivery_id": "\(id)"])
                guard let back else { return ConsolePages.redirect("/console/tenants") }
                return ConsolePages.redirect("/console/tenants/\(back.uuidString.lowercased())/deliveries")
            }
        }
    }

    /// One page of a tenant's deliveries (console or portal). Each row is read from the record's own
    /// JSON, so the page shows exactly the fields the admin listing answers.
    func deliveriesPage(_ request: Request, _ context: ConsoleContext, tenant: Tenant, path: String) async throws -> Response {
        let parameters = ReportParameters(request)
        var cursor: Int64?
        if let text = parameters.text("cursor") {
            guard let id = Int64(text) else { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
            cursor = id
        }
        guard let list = try await CallbackOutboxStore(pool: pool).list(tenantID: tenant.id, limit: 100, before: cursor) else {
            throw ConsoleFailure.notFound("tenant")
        }
        let session = try context.requireSession()
        let json = try JSONValue.decode(JSONResponse.encoder.encode(list))
        var values = try page(context, title: "Deliveries of \(tenant.settings.name)", current: session.kind == .console ? "/console/tenants" : "/portal/deliveries")
        values["console"] = session.kind == .console
        values["tenant_id"] = tenant.id.uuidString.lowercased()
        values["tenant_name"] = tenant.settings.name
        values["deliveries"] = (json["data"]?.arrayValue ?? []).map { item -> [String: Any] in
            func text(_ key: String) -> String {
                switch item[key] {
                case .string(let value)?: value
                case .int(let value)?: "\(value)"
                default: ""
                }
            }
            func when(_ key: String) -> String { item[key]?.stringValue.flatMap(RFC3339.parse).map { Self.time($0) } ?? "" }
            let state = text("state")
            return ["id": text("id"), "kind": text("kind"), "url": text("url"), "state": state, "attempts": text("attempts"),
                    "last_status": text("last_status"), "last_error": text("last_error"),
                    "next_attempt_at": when("next_attempt_at"), "delivered_at": when("delivered_at"),
                    "retryable": state == "pending" || state == "given_up"]
        }
        if let next = list.nextCursor { values["next"] = "\(path)?cursor=\(next)" }
        return pages.response("deliveries", values)
    }
}
