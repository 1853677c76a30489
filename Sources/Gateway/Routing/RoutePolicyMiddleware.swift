import Hummingbird

/// One policy for every route, applied at the router (so that route files need not know it):
/// a query parameter the matched route does not take is refused with 400 before any handler runs,
/// and a path no route matches answers 404, or 405 when the path has routes for other methods, each
/// with its family's error body. Hummingbird sets `endpointPath` before router middleware runs, and
/// runs router middleware (not group middleware) around its not-found responder too.
struct RoutePolicyMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let catalog: RouteCatalog

    init(catalog: RouteCatalog = .shared) {
        self.catalog = catalog
    }

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let family = APIFamily(path: request.uri.path)
        if let pattern = context.endpointPath, family != .other,
           let refusal = refusal(pattern: pattern, request: request) {
            return family.badParameter(refusal, requestID: context.requestID)
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            // the router's not-found responder: no route matched this method and path
            let allowed = catalog.methods(forPath: request.uri.path)
            return family.noRoute(method: request.method.rawValue, path: request.uri.path, allowed: allowed, requestID: context.requestID)
        }
    }

    /// The message naming the first parameter the route does not take, or nil when all are its own.
    func refusal(pattern: String, request: Request) -> String? {
        let method = request.method.rawValue
        let allowed = catalog.allowed(method: method, pattern: pattern) ?? []
        for (name, value) in request.uri.queryParameters where !allowed.contains(String(name)) {
            if name.isEmpty && value.isEmpty { continue }  // a stray `&` or a bare `?`
            let takes = allowed.isEmpty ? "takes no query parameters" : "takes \(allowed.sorted().joined(separator: ", "))"
            return "\(name): unknown query parameter; \(method) \(pattern) \(takes)"
        }
        return nil
    }
}
