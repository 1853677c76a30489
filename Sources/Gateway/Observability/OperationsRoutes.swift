import Hummingbird
import Postgres

/// What operators and tools use rather than tenants: `GET /metrics` and `GET /openapi.json`, and the
/// request metrics middleware. Registered first in `Gateway.makeRouter()`, because a router's middleware
/// applies only to the routes added after it.
struct OperationsRoutes: Sendable {
    let pool: PostgresPool

    func register(on router: Router<GatewayContext>) {
        router.add(middleware: RequestMetricsMiddleware())
        let gauges = DatabaseGauges(pool: pool, registry: GatewayMetrics.registry)
        router.get("metrics") { _, _ in
            await gauges.refresh()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: GatewayMetrics.registry.emitToBuffer())))
        }
        OpenAPIRoute().register(on: router)
    }
}
