import Hummingbird

/// The gateway's one query policy (RouteTable, read by `RoutePolicyMiddleware.refusal`) on the console
/// and portal: a query parameter the page does not take is refused with a 400 page naming it, before
/// any handler runs, never ignored (a misspelt filter must not show a list of everything).
struct ConsoleQueryPolicy: RouterMiddleware {
    typealias Context = GatewayContext
    let policy = RoutePolicyMiddleware()

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        if let pattern = context.endpointPath, let refusal = policy.refusal(pattern: pattern, request: request) {
            throw ConsoleFailure(status: .badRequest, message: refusal)
        }
        return try await next(request, context)
    }
}
