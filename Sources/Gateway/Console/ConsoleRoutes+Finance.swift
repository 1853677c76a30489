import Accounting
import Foundation
import Hummingbird
import Kling

extension ConsoleRoutes {
    /// The read pages both roles see: tasks, a tenant's ledger, prices, reports with the CSV, reconcile, audit.
    /// Query parameters are read by the admin API's own `ReportParameters`, so they mean the same here.
    func registerFinance(on console: RouterGroup<ConsoleContext>) {
        console.get("tasks") { request, context in try await taskPage(request, context, tenantID: nil) }

        console.get("tenants/{id}/ledger") { request, context -> Response in
            let id = try Self.id(context)
            guard let tenant = try await TenantStore(pool: pool).get(id) else { throw ConsoleFailure.notFound("tenant") }
            let parameters = ReportParameters(request)
            let window = try parameters.optionalWindow()
            let filter = LedgerFilter(tenantID: id, kind: try parameters.choice("kind", LedgerKind.self), from: window.from, to: window.to,
                                      limit: 100, cursor: try parameters.cursor(LedgerListing.cursor))
            guard let listing = try await LedgerListing(pool: pool).page(filter) else { throw ConsoleFailure.notFound("tenant") }
            let currency = try await prices.current().book.currency
            var values = try page(context, title: "Ledger of \(tenant.settings.name)", current: "/console/tenants")
            values["tenant_id"] = id.uuidString.lowercased()
            values["tenant_name"] = tenant.settings.name
            values["entries"] = listing.items.map { entry -> [String: Any] in
                var row: [String: Any] = ["created_at": Self.time(entry.createdAt), "kind": entry.kind,
                                          "amount": MoneyText.text(entry.amountMicros, currency), "reason": entry.reason ?? "", "actor": entry.actor ?? ""]
                if let task = entry.taskID { row["task_id"] = task.uuidString.lowercased() }
                return row
            }
            if let next = listing.nextCursor?.encoded {
                values["next"] = Self.link("/console/tenants/\(id.uuidString.lowercased())/ledger", parameters, cursor: next)
            }
            return pages.response("ledger", values)
        }

        console.get("prices") { _, context -> Response in
            let current = try await prices.currentVersion()
            let book = current.book
            var values = try page(context, title: "Prices", current: "/console/prices")
            values["version"] = "\(current.version)"
            values["currency"] = book.currency
            values["multiplier"] = book.videoReferenceMultiplier
            values["created_at"] = Self.time(current.createdAt)
            if let by = current.createdBy { values["created_by"] = by }
            values["video"] = book.video.map { ["model": $0.model, "mode": $0.mode, "sound": $0.sound, "price": MoneyText.text($0.microsPerSecond, book.currency)] }
            values["image"] = book.image.map { ["model": $0.model, "resolution": $0.resolution, "price": MoneyText.text($0.microsPerImage, book.currency)] }
            return pages.response("prices", values)
        }

        console.get("reports") { request, context in try await reportPage(request, context) }

        // the admin API's own CSV export, streamed, for a browser that holds a console session
        console.get("reports/usage.csv") { request, context -> Response in
            try await reports.usageCSV(request, logger: context.logger, connection: context.channel)
        }
        // the admin API's margin CSV, through the same export gate
        console.get("reports/margin.csv") { request, _ -> Response in try await margin.csv(request) }

        // the admin API's reconcile: from the stored checkpoint (fast) unless ?full=1 checks every row
        console.get("reconcile") { request, context -> Response in
            let full = try ReportRoutes.fullReconcile(request)
            let report = try await Reconciliation(pool: pool).run(full: full)
            var values = try page(context, title: "Reconcile", current: "/console/reconcile")
            values["ok"] = report.ok
            values["full"] = report.full
            values["checks"] = report.checks.map {
                ["name": $0.name, "ok": $0.ok, "count": "\($0.detail.count)", "examples": $0.detail.examples.joined(separator: ", ")] as [String: Any]
            }
            return pages.response("reconcile", values)
        }

        console.get("audit") { request, context -> Response in
            var cursor: Int64?
            if let text = ReportParameters(request).text("cursor") {
                guard let id = Int64(text) else { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
                cursor = id
            }
            let list = try await AuditLog(pool: pool).list(limit: 100, cursor: cursor)
            var values = try page(context, title: "Audit", current: "/console/audit")
            values["entries"] = list.items.map { entry -> [String: Any] in
                ["created_at": Self.time(entry.createdAt), "actor": entry.actor, "action": entry.action, "resource_type": entry.resourceType,
                 "resource_id": entry.resourceID ?? "", "after": entry.after.map { String(decoding: $0.encodedData(), as: UTF8.self) } ?? ""]
            }
            if let next = list.nextCursor { values["next"] = next }
            return pages.response("audit", values)
        }
    }

    /// Tasks with their billing; the console filters by tenant, the portal shows only its own tenant's.
    func taskPage(_ request: Request, _ context: ConsoleContext, tenantID forced: UUID?) async throws -> Response {
        let parameters = ReportParameters(request)
        let window = try parameters.optionalWindow()
        let tenantID = try forced ?? parameters.uuid("tenant_id")
        let state = try parameters.choice("status", TaskState.self)
        let filter = TaskFilter(tenantID: tenantID, state: state, from: window.from, to: window.to, limit: 100,
                                cursor: try parameters.cursor(TaskListing.cursor))
        let listing = try await TaskListing(pool: pool).page(filter)
        let session = try context.requireSession()
        let base = ConsoleCookies.path(session.kind)
        var values = try page(context, title: "Tasks", current: "\(base)/tasks")
        values["console"] = session.kind == .console
        values["filter_tenant"] = forced == nil ? (parameters.text("tenant_id") ?? "") : ""
        values["filter_from"] = parameters.text("from") ?? ""
        values["filter_to"] = parameters.text("to") ?? ""
        values["statuses"] = TaskState.allCases.map { ["value": $0.rawValue, "selected": $0 == state] as [String: Any] }
        values["tasks"] = listing.items.map { task -> [String: Any] in
            let detail = [task.mode, task.resolution, task.billableSeconds.map { "\($0) s" }, task.images.map { "\($0) images" }]
                .compactMap { $0 }.joined(separator: " · ")
            var row: [String: Any] = [
                "created_at": Self.time(task.createdAt), "id": task.id.uuidString.lowercased(),
                "tenant_id": task.tenantID.uuidString.lowercased(), "tenant_short": String(task.tenantID.uuidString.lowercased().prefix(8)),
                "model": task.model, "detail": detail, "state": task.state.rawValue, "billing": task.billingState,
                "reserved": MoneyText.text(task.reservedMicros, task.currency),
                "charged": MoneyText.text(task.chargedMicros + task.lateChargedMicros, task.currency),
                "released": MoneyText.text(task.releasedMicros, task.currency),
            ]
            if let external = task.externalTaskID { row["external_id"] = external }
            return row
        }
        if let next = listing.nextCursor?.encoded { values["next"] = Self.link("\(base)/tasks", parameters, cursor: next) }
        return pages.response("tasks", values)
    }

    /// The same page with the same filters, one page further on.
    static func link(_ path: String, _ parameters: ReportParameters, cursor: String) -> String {
        var components = URLComponents()
        components.path = path
        var items = parameters.query.filter { $0.key != "cursor" && !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { URLQueryItem(name: $0.key, value: $0.value) }
        items.append(URLQueryItem(name: "cursor", value: cursor))
        components.queryItems = items
        return components.string ?? path
    }
}
