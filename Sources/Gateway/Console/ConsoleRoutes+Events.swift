import Accounting
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// `GET /console/events?tenant_id=&type=&from=&to=&cursor=`: the events as `GET /admin/v1/events` lists
    /// them (the same store, filters read by the same parameter rules, the same cursor check), newest
    /// first, 100 a page, with each target's delivery state and a link to the tenant's deliveries.
    func registerEvents(on console: RouterGroup<ConsoleContext>) {
        let events = EventStore(pool: pool)

        console.get("events") { request, context -> Response in
            let parameters = ReportParameters(request)
            let window = try parameters.optionalWindow()
            let type = try parameters.choice("type", EventType.self)
            let filter = EventFilter(tenantID: try parameters.uuid("tenant_id"), type: type, from: window.from, to: window.to)
            let cursor = try AdminRequest.uuidCursor(parameters.text("cursor"))
            if let cursor, !(try await events.exists(cursor)) { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
            let list = try await events.list(filter, limit: 100, cursor: cursor)
            var values = try page(context, title: "Events", current: "/console/events")
            values["filter_tenant"] = parameters.text("tenant_id") ?? ""
            values["filter_from"] = parameters.text("from") ?? ""
            values["filter_to"] = parameters.text("to") ?? ""
            values["types"] = EventType.allCases.map { ["value": $0.rawValue, "selected": $0 == type] as [String: Any] }
            values["events"] = list.items.map { event -> [String: Any] in
                let tenant = event.tenantID.uuidString.lowercased()
                return [
                    "id": event.id.uuidString.lowercased(), "type": event.type, "created_at": Self.time(event.createdAt),
                    "tenant_id": tenant, "tenant_short": String(tenant.prefix(8)),
                    "deliveries": event.deliveries.map { sent -> [String: Any] in
                        ["target": sent.endpointID == nil ? "tenant" : "endpoint", "state": sent.delivery.state,
                         "attempts": "\(sent.delivery.attempts)", "id": "\(sent.delivery.id)"]
                    },
                ]
            }
            if let next = list.nextCursor { values["next"] = Self.link("/console/events", parameters, cursor: next) }
            return pages.response("events", values)
        }
    }
}
