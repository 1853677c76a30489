import Accounting
import Foundation
import Hummingbird
import Logging
import NIOCore
import Postgres

/// The read-only finance routes: usage report and CSV export, task and ledger listings, reconcile.
/// The group given to `register` is `/admin/v1` with the admin error body, authentication and roles
/// already applied (admin and finance may both read these). Generic over the context, so it mounts on
/// the gateway's group or on the admin API's own (child) context alike.
public struct ReportRoutes: Sendable {
    let pool: PostgresPool
    let exports: ExportGate
    /// A download whose client takes no chunk for this long is aborted and its connection returned.
    let stallTimeout: Duration
    /// Reports, the export and the listings read here (a replica when configured); reconcile checks the primary.
    let readPool: PostgresPool

    public init(pool: PostgresPool, readPool: PostgresPool? = nil, maxExports: Int = 2, stallTimeout: Duration = .seconds(30)) {
        self.pool = pool
        self.readPool = readPool ?? pool
        self.exports = ExportGate(limit: maxExports)
        self.stallTimeout = stallTimeout
    }

    public func register<Context: RequestContext>(on group: RouterGroup<Context>) {
        group.get("reports/usage") { request, _ in try await usage(request) }
        group.get("reports/usage.csv") { request, context in
            try await usageCSV(request, logger: context.logger, connection: (context as? any ConnectionRequestContext)?.channel)
        }
        group.get("tasks") { request, _ in try await tasks(request) }
        group.get("tasks/{id}") { _, context in try await task(context.parameters.get("id") ?? "") }
        group.get("tenants/{id}/ledger") { request, context in try await ledger(request, tenant: context.parameters.get("id") ?? "") }
        group.get("reconcile") { request, _ in
            try JSONResponse.make(try await Reconciliation(pool: pool).run(full: try Self.fullReconcile(request)))
        }
    }

    /// `?full=1` checks every row; otherwise what is new since the stored checkpoint (the console's reconcile page reads it too).
    static func fullReconcile(_ request: Request) throws -> Bool {
        let full = ReportParameters(request).text("full")
        guard full == nil || ["0", "1", "true", "false"].contains(full!) else {
            throw AdminAPIError.badRequest("full: expected 1 or 0, got \(full!.debugDescription)")
        }
        return full == "1" || full == "true"
    }

    func usage(_ request: Request) async throws -> Response {
        let parameters = ReportParameters(request)
        let period = try parameters.period()
        let groupBy = try parameters.grouping()
        let tenantID = try parameters.uuid("tenant_id")
        let keyID = try parameters.uuid("key_id")
        // a filter naming nothing is a mistake to say, not an empty report (as the CSV's tenant_id)
        guard try await UsageExport(pool: pool).canExport(tenantID: tenantID) else {
            throw AdminAPIError.notFound("tenant \(tenantID?.uuidString.lowercased() ?? "")")
        }
        if let keyID, try await APIKeyStore(pool: pool).get(keyID) == nil {
            throw AdminAPIError.notFound("key \(keyID.uuidString.lowercased())")
        }
        let result = try await UsageReport(pool: readPool).run(period: period, groupBy: groupBy, tenantID: tenantID, keyID: keyID)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: UsageReportJSON.encode(result)))
    }

    /// Streams the CSV straight from PostgreSQL's COPY: constant memory whatever the period.
    /// Parameters are checked first, so a bad request is a 400 body, never a broken download. At most
    /// `maxExports` run at once (429 `busy` beyond); one whose client stops reading for `stallTimeout`
    /// is aborted: its connection is closed (which fails the write it waits in, whatever it waits on)
    /// and its database session dropped. The console's download goes through here too, one gate for both.
    func usageCSV(_ request: Request, logger: Logger, connection: (any Channel)?) async throws -> Response {
        let parameters = ReportParameters(request)
        let period = try parameters.period()
        let tenantID = try parameters.uuid("tenant_id")
        let export = UsageExport(pool: readPool)
        guard await exports.tryEnter() else { return Self.busy(exports) }
        let found: Bool
        do {
            found = try await export.canExport(tenantID: tenantID)
        } catch {
            await exports.leave()
            throw error
        }
        guard found else {
            await exports.leave()
            throw AdminAPIError.notFound("tenant \(tenantID?.uuidString.lowercased() ?? "")")
        }
        let gate = exports
        let stallTimeout = self.stallTimeout
        let body = ResponseBody { writer in
            defer { Task { await gate.leave() } }
            let box = UncheckedSendableBox(value: writer)
            let progress = ExportProgress()
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var writer = box.value
                        try await export.write(period: period, tenantID: tenantID) { chunk in
                            try await writer.write(ByteBuffer(bytes: chunk))
                            progress.touch()
                        }
                    }
                    group.addTask {
                        while progress.idle < stallTimeout {
                            try await Task.sleep(for: min(.seconds(1), stallTimeout / 4))
                        }
                        // not only cancellation: a closed channel fails the pending write at once. Closed with a
                        // reset (linger 0), so the megabytes the kernel still holds for a client that reads
                        // nothing are dropped too, instead of lingering behind a zero window.
                        if let provider = connection as? any SocketOptionProvider {
                            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in connection?.close(promise: nil) }
                        } else {
                            connection?.close(promise: nil)
                        }
                        throw ExportStalled(after: stallTimeout)
                    }
                    try await group.next()
                    group.cancelAll()
                }
            } catch {
                // headers are gone already: all that is left is to cut the download short
                logger.error("usage export failed mid-stream", metadata: ["error": "\(error)"])
                throw error
            }
            try await writer.finish(nil)
        }
        let filename = "omnimeter-usage-\(Self.fileStamp(period.from))-\(Self.fileStamp(period.to)).csv"
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(filename)\"",
        ], body: body)
    }

    /// 429 `busy` with `Retry-After`: every export slot is taken.
    static func busy(_ exports: ExportGate) -> Response {
        var response = AdminAPIError(status: .tooManyRequests, code: "busy",
                                     message: "\(exports.limit) exports are running; try again shortly").response()
        response.headers[.retryAfter] = "5"
        return response
    }

    /// 2026-01-01 for a UTC midnight, else 2026-01-01T123000Z: no characters a file name cannot hold.
    static func fileStamp(_ date: Date) -> String {
        let text = RFC3339.format(date)  // 2026-01-01T12:30:00.000Z
        let day = String(text.prefix(10))
        if text.dropFirst(10) == "T00:00:00.000Z" { return day }
        let time = text.dropFirst(11).prefix(8).replacingOccurrences(of: ":", with: "")
        return "\(day)T\(time)Z"
    }

    func tasks(_ request: Request) async throws -> Response {
        let parameters = ReportParameters(request)
        let window = try parameters.optionalWindow()
        let filter = TaskFilter(
            tenantID: try parameters.uuid("tenant_id"), keyID: try parameters.uuid("key_id"),
            state: try parameters.choice("status", TaskState.self), from: window.from, to: window.to,
            limit: try parameters.limit(), cursor: try parameters.cursor(TaskListing.cursor))
        return try JSONResponse.make(PageBody(try await TaskListing(pool: readPool).page(filter)))
    }

    /// One task as the listing shows it; an id that is not a UUID names nothing (404).
    func task(_ idText: String) async throws -> Response {
        guard let id = UUID(uuidString: idText), let task = try await TaskListing(pool: pool).task(id: id) else {
            throw AdminAPIError.notFound("task \(idText)")
        }
        return try JSONResponse.make(task)
    }

    func ledger(_ request: Request, tenant idText: String) async throws -> Response {
        guard let tenantID = UUID(uuidString: idText) else { throw AdminAPIError.notFound("tenant \(idText)") }
        let parameters = ReportParameters(request)
        let window = try parameters.optionalWindow()
        let filter = LedgerFilter(
            tenantID: tenantID, kind: try parameters.choice("kind", LedgerKind.self), from: window.from, to: window.to,
            limit: try parameters.limit(), cursor: try parameters.cursor(LedgerListing.cursor))
        guard let page = try await LedgerListing(pool: readPool).page(filter) else {
            throw AdminAPIError.notFound("tenant \(tenantID.uuidString.lowercased())")
        }
        return try JSONResponse.make(PageBody(page))
    }
}
