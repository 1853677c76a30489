import Accounting
import Hummingbird

extension AdminRoutes {
    /// `GET /admin/v1/tenants/{id}/deliveries?limit=&cursor=` (admin and finance): the tenant's callback
    /// deliveries, newest first, given-up ones included. `POST /admin/v1/deliveries/{id}/retry` (admin):
    /// a pending or given-up delivery is made due now with a fresh count of attempts (202); a delivered
    /// one is 409.
    func registerDeliveries(on admin: RouterGroup<AdminContext>) {
        let outbox = CallbackOutboxStore(pool: pool)

        admin.get("tenants/{id}/deliveries") { request, context -> Response in
            let tenantID = try AdminRequest.id(context, "tenant")
            let (limit, cursorText) = try AdminRequest.page(request)
            var cursor: Int64?
            if let cursorText {
                guard let id = Int64(cursorText) else { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
                cursor = id
            }
            guard let page = try await outbox.list(tenantID: tenantID, limit: limit, before: cursor) else { throw AdminAPIError.notFound("tenant") }
            return try JSONResponse.make(page)
        }

        admin.post("deliveries/{id}/retry") { _, context -> Response in
            _ = try context.requireAdmin()
            guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw AdminAPIError.notFound("delivery") }
            switch try await outbox.retry(id) {
            case .notFound: throw AdminAPIError.notFound("delivery")
            case .alreadyDelivered: throw AdminAPIError.conflict("delivery \(id) was delivered already")
            case .madeDue:
                context.logger.info("callback delivery retried", metadata: ["delivery_id": "\(id)"])
                return JSONResponse.json(["id": .string(String(id)), "state": "pending"], status: .accepted)
            }
        }
    }
}
