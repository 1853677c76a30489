import Accounting
import Hummingbird

extension AdminRoutes {
    /// `GET /admin/v1/audit?limit=&cursor=&resource_id=`: every admin change, newest first.
    func registerAudit(on admin: RouterGroup<AdminContext>) {
        let audit = AuditLog(pool: pool)

        admin.get("audit") { request, _ -> Response in
            let (limit, cursorText) = try AdminRequest.page(request)
            var cursor: Int64?
            if let cursorText {
                guard let id = Int64(cursorText) else { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
                cursor = id
            }
            let resourceID = request.uri.queryParameters.get("resource_id").flatMap { $0.isEmpty ? nil : $0.lowercased() }
            return try JSONResponse.make(try await audit.list(limit: limit, cursor: cursor, resourceID: resourceID))
        }
    }
}
