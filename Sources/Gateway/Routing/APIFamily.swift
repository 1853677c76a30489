import Hummingbird

/// Which error body a path answers with: the tenant API's Kling envelope (`/kling/…`, `/v1/…`), the
/// admin API's `{"error":{…}}` (`/admin/…`), or, for anything else, the admin shape too (operators'
/// routes: health, metrics, the document).
enum APIFamily: Equatable {
    case tenant, admin, other

    init(path: String) {
        let first = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true).first ?? ""
        switch first {
        case "kling", "v1": self = .tenant
        case "admin": self = .admin
        default: self = .other
        }
    }

    /// 400 for a query parameter the route does not take: 1200 or `bad_request`.
    func badParameter(_ message: String, requestID: String) -> Response {
        switch self {
        case .tenant: KlingAPIError.malformed(message).response(requestID: requestID)
        case .admin, .other: AdminAPIError.badRequest(message).response()
        }
    }

    /// 404 (no route has this path) or 405 (a route has it, with other methods, listed in `Allow`).
    func noRoute(method: String, path: String, allowed: [String], requestID: String) -> Response {
        let status: HTTPResponse.Status = allowed.isEmpty ? .notFound : .methodNotAllowed
        let message = allowed.isEmpty
            ? "no route \(method) \(path)"
            : "\(path) does not take \(method); it takes \(allowed.joined(separator: ", "))"
        var response = switch self {
        case .tenant: KlingAPIError(status: status, code: 1202, message: message).response(requestID: requestID)
        case .admin, .other:
            AdminAPIError(status: status, code: allowed.isEmpty ? "not_found" : "method_not_allowed", message: message).response()
        }
        if !allowed.isEmpty { response.headers[.allow] = allowed.joined(separator: ", ") }
        return response
    }
}
