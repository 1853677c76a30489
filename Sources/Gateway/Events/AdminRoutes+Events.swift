import Accounting
import Foundation
import Hummingbird

extension AdminRoutes {
    /// Operator webhook endpoints (`POST/GET /admin/v1/webhook-endpoints`, `GET/DELETE …/{id}`), the
    /// events listing (`GET /admin/v1/events`) and the tenant secret rotation
    /// (`POST /admin/v1/tenants/{id}/webhook-secret`); docs/events.md.
    func registerEvents(on admin: RouterGroup<AdminContext>) {
        let endpoints = WebhookEndpointStore(pool: pool)
        let events = EventStore(pool: pool)

        admin.post("webhook-endpoints") { request, context -> Response in
            let caller = try context.caller()
            let body = try await AdminBody.read(request, context: context)
            let url = try body.field("url", .httpURL).required("url")
            let types = try body.field("events", .eventTypes).valueOrNil
            try await refusePrivateCallback(url, field: "url")
            let (endpoint, secret) = try await endpoints.create(url: url, events: types, actor: caller.actor)
            context.logger.info("webhook endpoint created", metadata: ["endpoint_id": "\(endpoint.id.uuidString.lowercased())"])
            return try JSONResponse.make(RevealedSecret(resource: endpoint, field: "secret", secret: secret), status: .created)
        }

        admin.get("webhook-endpoints") { _, _ -> Response in
            try JSONResponse.make(Page(items: try await endpoints.list(), nextCursor: nil))
        }

        admin.get("webhook-endpoints/{id}") { _, context -> Response in
            guard let endpoint = try await endpoints.get(try AdminRequest.id(context, "webhook endpoint")) else {
                throw AdminAPIError.notFound("webhook endpoint")
            }
            return try JSONResponse.make(endpoint)
        }

        admin.delete("webhook-endpoints/{id}") { _, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "webhook endpoint")
            guard let endpoint = try await endpoints.delete(id, actor: caller.actor) else { throw AdminAPIError.notFound("webhook endpoint") }
            context.logger.info("webhook endpoint deleted", metadata: ["endpoint_id": "\(id.uuidString.lowercased())"])
            return try JSONResponse.make(endpoint)
        }

        admin.get("events") { request, _ -> Response in
            let parameters = ReportParameters(request)
            let (limit, cursorText) = try AdminRequest.page(request)
            let window = try parameters.optionalWindow()
            let filter = EventFilter(tenantID: try parameters.uuid("tenant_id"), type: try parameters.choice("type", EventType.self),
                                     from: window.from, to: window.to)
            let cursor = try AdminRequest.uuidCursor(cursorText)
            if let cursor, !(try await events.exists(cursor)) { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
            return try JSONResponse.make(try await events.list(filter, limit: limit, cursor: cursor))
        }

        admin.post("tenants/{id}/webhook-secret") { _, context -> Response in
            let caller = try context.caller()
            let id = try AdminRequest.id(context, "tenant")
            guard let rotated = try await events.rotateWebhookSecret(tenantID: id, actor: caller.actor) else {
                throw AdminAPIError.notFound("tenant")
            }
            let (secret, until) = rotated
            context.logger.info("tenant webhook secret rotated", metadata: ["tenant_id": "\(id.uuidString.lowercased())"])
            return JSONResponse.json(["tenant_id": .string(id.uuidString.lowercased()), "webhook_secret": .string(secret),
                                      "secret": .string(secret), "previous_secret_valid_until": .string(RFC3339.format(until))])
        }
    }
}
