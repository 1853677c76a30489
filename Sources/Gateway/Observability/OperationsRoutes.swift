import Hummingbird
import Postgres

/// What operators and tools use rather than tenants: `GET /metrics` and `GET /openapi.json`, and the
/// request metrics middleware. Registered first in `Gateway.makeRouter()`, because a router's middleware
/// applies only to the routes added after it.
struct OperationsRoutes: Sendable {
    let pool: PostgresPool
    /// `OMNIMETER_METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <it>` (else 401).
    var metricsToken: String? = nil

    func register(on router: Router<GatewayContext>) {
        router.add(middleware: RequestMetricsMiddleware())
        let gauges = DatabaseGauges(pool: pool, registry: GatewayMetrics.registry)
        let token = metricsToken
        router.get("metrics") { request, _ in
            if let token, !MetricsToken.matches(request.headers[.authorization], token) {
                return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
                                body: .init(byteBuffer: ByteBuffer(string: "send Authorization: Bearer <OMNIMETER_METRICS_TOKEN>\n")))
            }
            await gauges.refresh()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: GatewayMetrics.registry.emitToBuffer())))
        }
        OpenAPIRoute().register(on: router)
    }
}
