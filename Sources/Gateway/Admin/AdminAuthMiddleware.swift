import Accounting
import Hummingbird

/// Every admin route: 401 without a valid token, 403 when a read-only (finance) token tries to write.
/// A write is anything but GET and HEAD.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AdminContext
    let authenticator: AdminAuthenticator

    func handle(_ request: Request, context: AdminContext, next: (Request, AdminContext) async throws -> Response) async throws -> Response {
        guard let principal = try await authenticator.authenticate(token: TenantAuthentication.bearerToken(request)) else {
            throw AdminAPIError.unauthenticated
        }
        let isRead = request.method == .get || request.method == .head
        guard isRead || principal.role.mayWrite else { throw AdminAPIError.forbidden }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "admin_actor"] = .string(principal.actor)
        return try await next(request, context)
    }
}
