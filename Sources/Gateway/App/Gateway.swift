import Accounting
import AsyncHTTPClient
import Hummingbird
import Logging
import Postgres
import ServiceLifecycle

/// The gateway process: the HTTP server and its background services over one pool.
public struct Gateway: Sendable {
    public let config: GatewayConfig
    public let pool: PostgresPool
    /// Reports, exports and listings; the primary's pool unless a replica is configured. Money never reads here.
    public let readPool: PostgresPool
    public let logger: Logger

    public init(config: GatewayConfig, pool: PostgresPool, readPool: PostgresPool? = nil, logger: Logger) {
        self.config = config
        self.pool = pool
        self.readPool = readPool ?? pool
        self.logger = logger
    }

    var tasks: TaskStore { TaskStore(pool: pool) }
    var prices: PriceBookStore { PriceBookStore(pool: pool) }

    /// Follows tasks upstream; nil when no upstream is configured.
    public var follower: TaskFollower? {
        guard let url = config.upstreamURL else { return nil }
        let upstream = UpstreamClient(baseURL: url, apiKey: config.upstreamKey)
        return TaskFollower(tasks: tasks, prices: prices, upstream: upstream, config: config, logger: logger)
    }

    /// Every route of the public contract.
    public func makeRouter() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        OperationsRoutes(pool: pool).register(on: router)  // first: its metrics middleware must wrap every route
        router.add(middleware: RoutePolicyMiddleware())  // unknown query parameters, 404 and 405 bodies
        HealthRoutes(pool: pool).register(on: router)
        let follower = self.follower
        let intake = TaskIntake(tasks: tasks, prices: prices, submitter: follower?.submitter, config: config)
        TenantRoutes(authentication: TenantAuthentication(authenticator: KeyAuthenticator(pool: pool)),
                     tasks: tasks, intake: intake).register(on: router)
        if let follower {
            UpstreamCallbackRoute(tasks: tasks, follower: follower).register(on: router)
        }
        AdminRoutes(config: config, pool: pool, readPool: readPool).register(on: router)
        ConsoleRoutes(config: config, pool: pool).register(on: router)
        SelfServiceRoutes(pool: pool).register(on: router)  // /v1/usage, /v1/statements (scope usage:read)
        return router
    }

    /// The task poller alone (tests drive it with `pollOnce()`).
    public func makePoller() -> TaskPoller? {
        guard let follower else { return nil }
        return TaskPoller(follower: follower, tasks: tasks, owner: config.instanceID, tick: min(config.pollInterval, .seconds(1)), logger: logger)
    }

    /// The tenant callback sender alone (tests drive it with `deliverOnce()`).
    public func makeCallbackDelivery() -> CallbackDeliveryService {
        CallbackDeliveryService(outbox: CallbackOutboxStore(pool: pool), http: HTTPClient.shared,
                                allowPrivate: config.allowPrivateCallbacks, tick: .seconds(1), logger: logger)
    }

    /// The background services beside the HTTP server.
    public func makeBackgroundServices() -> [any Service] {
        // grants expire on time whether or not an upstream is configured
        let expiry = GrantExpiryService(grants: GrantStore(pool: pool), tick: .seconds(1), logger: logger)
        guard let follower else { return [expiry] }
        let tick = min(config.pollInterval, .seconds(1))
        return [
            TaskPoller(follower: follower, tasks: tasks, owner: config.instanceID, tick: tick, logger: logger),
            makeCallbackDelivery(),
            expiry,
        ]
    }

    public func makeApplication() -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(config.listenHost, port: config.listenPort), serverName: "omnimeter"),
            logger: logger
        )
    }
}
