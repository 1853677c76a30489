/// Every route the gateway serves and the query parameters each one reads (docs/api.md). A parameter
/// not listed for its route is refused (400), never ignored, so that a misspelt filter cannot answer
/// a list of everything. Kept beside the routes' handlers, not inside them, so that one policy covers
/// every route; a route missing here falls back to the parameters `/openapi.json` declares for it.
enum RouteTable {
    static let list: Set<String> = ["limit", "cursor"]
    static let tenantPage: Set<String> = ["pageNum", "pageSize"]

    /// "METHOD /path/{capture}" → the query parameters it reads.
    static let declared: [String: Set<String>] = [
        // tenant API (Kling compatible)
        "POST /kling/v1/videos/omni-video": [],
        "GET /kling/v1/videos/omni-video": tenantPage,
        "GET /kling/v1/videos/omni-video/{id}": [],
        "POST /kling/v1/images/omni-image": [],
        "GET /kling/v1/images/omni-image": tenantPage,
        "GET /kling/v1/images/omni-image/{id}": [],
        "POST /v1/estimate/videos/omni-video": [],
        "POST /v1/estimate/images/omni-image": [],
        "GET /v1/account": [],
        "POST /v1/upstream-callbacks/{task_id}": [],
        "GET /v1/usage": ["from", "to", "group_by"],
        "GET /v1/statements/{month}": [],
        // admin API
        "POST /admin/v1/tokens": [],
        "GET /admin/v1/tokens": [],
        "DELETE /admin/v1/tokens/{id}": [],
        "POST /admin/v1/tenants": [],
        "GET /admin/v1/tenants": list,
        "GET /admin/v1/tenants/{id}": [],
        "PATCH /admin/v1/tenants/{id}": [],
        "POST /admin/v1/tenants/{id}/credits": [],
        "POST /admin/v1/tenants/{id}/keys": [],
        "GET /admin/v1/tenants/{id}/keys": list,
        "GET /admin/v1/keys/{id}": [],
        "PATCH /admin/v1/keys/{id}": [],
        "DELETE /admin/v1/keys/{id}": [],
        "GET /admin/v1/prices": [],
        "PUT /admin/v1/prices": [],
        "GET /admin/v1/prices/{version}": [],
        // rate cards and credit grants (docs/money.md)
        "GET /admin/v1/tenants/{id}/pricing": [],
        "PUT /admin/v1/tenants/{id}/pricing": [],
        "DELETE /admin/v1/tenants/{id}/pricing": [],
        "POST /admin/v1/tenants/{id}/grants": [],
        "GET /admin/v1/tenants/{id}/grants": [],
        "GET /admin/v1/grants/{id}": [],
        "POST /admin/v1/grants/{id}/void": [],
        "GET /admin/v1/tasks": ["tenant_id", "key_id", "status", "from", "to", "limit", "cursor"],
        "GET /admin/v1/tasks/{id}": [],
        "GET /admin/v1/tenants/{id}/ledger": ["kind", "from", "to", "limit", "cursor"],
        "GET /admin/v1/reports/usage": ["from", "to", "group_by", "tenant_id", "key_id"],
        "GET /admin/v1/reports/usage.csv": ["from", "to", "tenant_id"],
        "GET /admin/v1/reconcile": ["full"],
        "GET /admin/v1/audit": ["limit", "cursor", "resource_id"],
        // callback deliveries (docs/security.md)
        "GET /admin/v1/tenants/{id}/deliveries": list,
        "POST /admin/v1/deliveries/{id}/retry": [],
        // upstream channels (docs/channels.md)
        "POST /admin/v1/channels": [],
        "GET /admin/v1/channels": [],
        "GET /admin/v1/channels/{id}": [],
        "PATCH /admin/v1/channels/{id}": [],
        "DELETE /admin/v1/channels/{id}": [],
        // the web console and portal (HTML: ConsoleQueryPolicy answers a parameter not listed with a 400 page)
        "GET /console/style.css": [], "GET /console/login": [], "POST /console/login": [], "POST /console/logout": [],
        "GET /console/": [], "GET /console/tenants": ["cursor"], "POST /console/tenants": [],
        "GET /console/tenants/{id}": [], "POST /console/tenants/{id}": [], "POST /console/tenants/{id}/credits": [],
        "POST /console/tenants/{id}/keys": [], "POST /console/keys/{id}/revoke": [],
        "GET /console/tasks": ["tenant_id", "status", "from", "to", "cursor"],
        "GET /console/tenants/{id}/ledger": ["kind", "from", "to", "cursor"], "GET /console/prices": [],
        "GET /console/reports": ["from", "to", "group_by", "margin_by"], "GET /console/reports/usage.csv": ["from", "to", "tenant_id"],
        "GET /console/reports/margin.csv": ["from", "to", "group_by", "tenant_id", "channel_id"],
        "GET /console/reconcile": ["full"], "GET /console/audit": ["cursor"],
        "GET /console/channels": [], "POST /console/channels": [], "POST /console/channels/{id}": [], "POST /console/channels/{id}/delete": [],
        "GET /console/events": ["tenant_id", "type", "from", "to", "cursor"],
        "GET /portal/style.css": [], "GET /portal/login": [], "POST /portal/login": [], "POST /portal/logout": [],
        "GET /portal/": [], "GET /portal/tasks": ["status", "from", "to", "cursor"],
        // the console's rate cards, grants, budgets and deliveries; the portal's statements and deliveries
        "POST /console/tenants/{id}/pricing/multiplier": [], "POST /console/tenants/{id}/pricing/rows": [],
        "POST /console/tenants/{id}/pricing/rows/remove": [], "POST /console/tenants/{id}/pricing/reset": [],
        "POST /console/tenants/{id}/grants": [], "POST /console/grants/{id}/void": [], "POST /console/tenants/{id}/budgets": [],
        "GET /console/tenants/{id}/deliveries": ["cursor"], "POST /console/deliveries/{id}/retry": [],
        "GET /portal/statements": [], "GET /portal/statements/{month}": [], "GET /portal/deliveries": ["cursor"],
        "GET /admin/v1/tenants/{id}/statements/{month}": [],
        "POST /admin/v1/periods/{month}/close": [],
        "GET /admin/v1/periods/{month}": [],
        // events and operator webhook endpoints (docs/events.md)
        "POST /admin/v1/webhook-endpoints": [],
        "GET /admin/v1/webhook-endpoints": [],
        "GET /admin/v1/webhook-endpoints/{id}": [],
        "DELETE /admin/v1/webhook-endpoints/{id}": [],
        "GET /admin/v1/events": ["tenant_id", "type", "from", "to", "limit", "cursor"],
        "POST /admin/v1/tenants/{id}/webhook-secret": [],
        // cost, margin and upstream bills (docs/channels.md)
        "GET /admin/v1/reports/margin": ["from", "to", "group_by", "tenant_id", "channel_id"],
        "GET /admin/v1/reports/margin.csv": ["from", "to", "group_by", "tenant_id", "channel_id"],
        "POST /admin/v1/channels/{id}/bills": [],
        "GET /admin/v1/channels/{id}/bills": [],
        "GET /admin/v1/bills/{id}": [],
        // operations
        "GET /healthz": [],
        "GET /readyz": [],
        "GET /metrics": [],
        "GET /openapi.json": [],
    ]
}
