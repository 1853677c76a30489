import Accounting
import Hummingbird

/// Every tenant route: the key is authenticated (401 with 1000/1002/1004 otherwise) and put in the
/// context. A suspended tenant still passes: it may read its tasks and account; creates refuse it.
struct TenantAuthMiddleware: RouterMiddleware {
    typealias Context = TenantContext
    let authentication: TenantAuthentication

    func handle(_ request: Request, context: TenantContext, next: (Request, TenantContext) async throws -> Response) async throws -> Response {
        var context = context
        let key = try await authentication.authenticate(request)
        context.key = key
        context.logger[metadataKey: "tenant_id"] = .string(key.tenantID.uuidString.lowercased())
        return try await next(request, context)
    }
}
