import Hummingbird
import Logging
import Postgres
import ServiceLifecycle

/// The gateway process: the HTTP server and its background services over one pool.
public struct Gateway: Sendable {
    public let config: GatewayConfig
    public let pool: PostgresPool
    public let logger: Logger

    public init(config: GatewayConfig, pool: PostgresPool, logger: Logger) {
        self.config = config
        self.pool = pool
        self.logger = logger
    }

    /// Every route of the public contract.
    public func makeRouter() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        HealthRoutes(pool: pool).register(on: router)
        AdminRoutes(config: config, pool: pool).register(on: router)
        return router
    }

    public func makeApplication() -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(config.listenHost, port: config.listenPort), serverName: "omnimeter"),
            logger: logger
        )
    }
}
