import Accounting
import Foundation
import Hummingbird
import Postgres

/// `GET /admin/v1/tenants/{id}/statements/{YYYY-MM}[.csv|.html]` (admin and finance),
/// `POST /admin/v1/periods/{YYYY-MM}/close` and `GET /admin/v1/periods/{YYYY-MM}` (closing is admin only:
/// the admin group refuses finance writes).
struct AdminStatementRoutes: Sendable {
    let pool: PostgresPool

    func register(on admin: RouterGroup<AdminContext>) {
        let statements = StatementStore(pool: pool)
        let periods = PeriodStore(pool: pool)

        admin.get("tenants/{id}/statements/{month}") { request, context -> Response in
            try Self.refuseQuery(request)
            let tenantID = try AdminRequest.id(context, "tenant")
            let path = try Self.path(context)
            switch try await statements.statement(tenantID: tenantID, month: path.month) {
            case .noSuchTenant:
                throw AdminAPIError.notFound("tenant")
            case .notBegun:
                throw AdminAPIError(status: .notFound, code: "not_found",
                                    message: "statement for \(path.month) not found: the month has not begun in the tenant's time zone")
            case .found(let statement, let carried):
                let name = try await TenantStore(pool: pool).get(tenantID)?.settings.name ?? ""
                return try StatementFormat.response(statement, form: path.form, tenantName: name, carried: carried) {
                    try JSONResponse.make(statement)
                }
            }
        }

        admin.post("periods/{month}/close") { request, context -> Response in
            try Self.refuseQuery(request)
            let caller = try context.requireAdmin()
            guard let text = context.parameters.get("month"), let month = StatementMonth(text) else {
                throw AdminAPIError.notFound("period: expected YYYY-MM")
            }
            switch try await periods.close(month, actor: caller.actor) {
            case .closed(let period):
                context.logger.info("period closed", metadata: ["month": "\(period.month)", "statements": "\(period.statements)"])
                return try JSONResponse.make(period)
            case .alreadyClosed(let period):
                return try JSONResponse.make(period)
            case .notBegun(let tenant):
                throw AdminAPIError.invalid("month: \(month) has not begun yet in the time zone of tenant \(tenant.debugDescription)")
            }
        }

        admin.get("periods/{month}") { request, context -> Response in
            try Self.refuseQuery(request)
            guard let text = context.parameters.get("month"), let month = StatementMonth(text),
                  let period = try await periods.period(month) else {
                throw AdminAPIError.notFound("closed period")
            }
            return try JSONResponse.make(period)
        }
    }

    static func path(_ context: AdminContext) throws -> StatementPath {
        guard let text = context.parameters.get("month"), let path = StatementPath(text) else {
            throw AdminAPIError.notFound("statement: expected YYYY-MM, YYYY-MM.csv or YYYY-MM.html")
        }
        return path
    }

    /// These routes take no query parameters; one sent is a mistake, never ignored.
    static func refuseQuery(_ request: Request) throws {
        if let first = request.uri.queryParameters.first {
            throw AdminAPIError.badRequest("\(first.key): not a parameter of this route")
        }
    }
}
