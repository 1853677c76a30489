import Accounting
import Foundation
import Hummingbird
import Kling
import Postgres

/// The tenant's own reports, with scope `usage:read`: `GET /v1/usage` (the admin usage report over its
/// own tasks only) and `GET /v1/statements/{YYYY-MM}[.csv|.html]`. A suspended tenant may still read them.
struct SelfServiceRoutes: Sendable {
    let pool: PostgresPool

    func register(on router: Router<GatewayContext>) {
        // the tenant API's own group: Kling error bodies, the key authenticated (suspended tenants read)
        let v1 = TenantRoutes.group(router, "v1", TenantAuthentication(authenticator: KeyAuthenticator(pool: pool)))
        v1.get("usage") { request, context -> Response in
            let key = try context.caller()
            try key.require(.usageRead)
            return try await usage(request, context, key)
        }
        v1.get("statements/{month}") { request, context -> Response in
            let key = try context.caller()
            try key.require(.usageRead)
            return try await statement(request, context, key)
        }
    }

    func usage(_ request: Request, _ context: TenantContext, _ key: AuthenticatedKey) async throws -> Response {
        let query = try Self.query(request, allowed: ["from", "to", "group_by"])
        guard let fromText = query["from"], let from = RFC3339.parse(fromText) else {
            throw KlingAPIError.malformed("from: required, an RFC 3339 time or YYYY-MM-DD")
        }
        guard let toText = query["to"], let to = RFC3339.parse(toText) else {
            throw KlingAPIError.malformed("to: required, an RFC 3339 time or YYYY-MM-DD")
        }
        guard let period = ReportPeriod(from: from, to: to) else { throw KlingAPIError.malformed("from: must be before to") }
        var groups: [UsageGrouping] = []
        if let text = query["group_by"], !text.isEmpty {
            for word in text.split(separator: ",", omittingEmptySubsequences: false) {
                let name = word.trimmingCharacters(in: .whitespaces)
                guard let group = UsageGrouping(rawValue: name), group != .tenant else {
                    throw KlingAPIError.malformed("group_by: expected a comma list of key, model, day; got \(name.debugDescription)")
                }
                if !groups.contains(group) { groups.append(group) }
            }
        }
        let result = try await UsageReport(pool: pool).run(period: period, groupBy: groups, tenantID: key.tenantID)
        return JSONResponse.kling(json: UsageReportJSON.encode(result), requestID: context.requestID)
    }

    func statement(_ request: Request, _ context: TenantContext, _ key: AuthenticatedKey) async throws -> Response {
        _ = try Self.query(request, allowed: [])
        guard let text = context.parameters.get("month"), let path = StatementPath(text) else {
            throw KlingAPIError(status: .notFound, code: 1203, message: "statement not found: expected YYYY-MM, YYYY-MM.csv or YYYY-MM.html")
        }
        switch try await StatementStore(pool: pool).statement(tenantID: key.tenantID, month: path.month) {
        case .noSuchTenant:
            throw KlingAPIError.unknownKey
        case .notBegun:
            throw KlingAPIError(status: .notFound, code: 1203, message: "statement not found: \(path.month) has not begun")
        case .found(let statement, let carried):
            return try StatementFormat.response(statement, form: path.form, tenantName: key.tenantName, carried: carried) {
                JSONResponse.kling(try JSONValue.decode(JSONResponse.encoder.encode(statement)), requestID: context.requestID)
            }
        }
    }

    /// The first value of each query parameter; one the route does not define is 400/1200.
    static func query(_ request: Request, allowed: Set<String>) throws -> [String: String] {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            guard allowed.contains(String(name)) else { throw KlingAPIError.malformed("\(name): not a parameter of this route") }
            if query[String(name)] == nil { query[String(name)] = String(value) }
        }
        return query
    }
}
