import Accounting
import AsyncHTTPClient
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Postgres
import ServiceLifecycle

/// The gateway process: the HTTP server and its background services over one pool.
public struct Gateway: Sendable {
    public let config: GatewayConfig
    public let pool: PostgresPool
    /// Reports, exports and listings; the primary's pool unless a replica is configured. Money never reads here.
    public let readPool: PostgresPool
    public let logger: Logger
    /// The upstream channels and this process's routing state (circuits), shared by every path.
    public let channels: UpstreamRouting

    /// `router` is for tests: a seeded draw and a clock they move.
    public init(config: GatewayConfig, pool: PostgresPool, readPool: PostgresPool? = nil, logger: Logger, router: ChannelRouter = ChannelRouter()) {
        self.config = config
        self.pool = pool
        self.readPool = readPool ?? pool
        self.logger = logger
        channels = UpstreamRouting(store: ChannelStore(pool: pool), config: config, router: router)
    }

    var tasks: TaskStore { TaskStore(pool: pool) }
    var prices: PriceBookStore { PriceBookStore(pool: pool) }

    /// Follows tasks upstream, through the channels (with none, creates are refused before reserving).
    public var follower: TaskFollower? {
        TaskFollower(tasks: tasks, prices: prices, channels: channels, config: config, logger: logger)
    }

    /// Every route of the public contract.
    public func makeRouter() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        OperationsRoutes(pool: pool, metricsToken: config.metricsToken).register(on: router)  // first: its metrics middleware must wrap every route
        router.add(middleware: InputGuardMiddleware())  // NUL in queries, per-task and per-key rate limits
        router.add(middleware: RoutePolicyMiddleware())  // unknown query parameters, 404 and 405 bodies
        HealthRoutes(pool: pool).register(on: router)
        let follower = self.follower
        let intake = TaskIntake(tasks: tasks, prices: prices, submitter: follower?.submitter, config: config)
        TenantRoutes(authentication: TenantAuthentication(authenticator: KeyAuthenticator(pool: pool)),
                     tasks: tasks, intake: intake).register(on: router)
        if let follower {
            UpstreamCallbackRoute(tasks: tasks, follower: follower).register(on: router)
        }
        let reports = ReportRoutes(pool: pool, readPool: readPool, maxExports: config.maxExports, stallTimeout: config.exportStallTimeout)
        AdminRoutes(config: config, pool: pool, readPool: readPool, channels: channels, reports: reports).register(on: router)
        ConsoleRoutes(config: config, pool: pool, reports: reports, channels: channels).register(on: router)
        SelfServiceRoutes(pool: pool).register(on: router)  // /v1/usage, /v1/statements (scope usage:read)
        return router
    }

    /// The task poller alone (tests drive it with `pollOnce()`).
    public func makePoller() -> TaskPoller? {
        guard let follower else { return nil }
        return TaskPoller(follower: follower, tasks: tasks, owner: config.instanceID, tick: min(config.pollInterval, .seconds(1)), logger: logger)
    }

    /// The tenant callback sender alone (tests drive it with `deliverOnce()`).
    /// `resolver` and `attemptTimeout` are for tests (a resolver that answers differently each time).
    public func makeCallbackDelivery(resolver: CallbackResolver = .system, attemptTimeout: Duration = .seconds(10)) -> CallbackDeliveryService {
        CallbackDeliveryService(outbox: CallbackOutboxStore(pool: pool, maxAttempts: config.deliveryMaxAttempts),
                                allowPrivate: config.allowPrivateCallbacks, resolver: resolver, attemptTimeout: attemptTimeout,
                                tick: .seconds(1), logger: logger)
    }

    /// The background services beside the HTTP server.
    public func makeBackgroundServices() -> [any Service] {
        // grants expire on time whether or not an upstream is configured
        var services: [any Service] = [GrantExpiryService(grants: GrantStore(pool: pool), tick: .seconds(1), logger: logger)]
        if let days = config.deliveryRetentionDays {
            services.append(DeliveryRetentionService(retention: DeliveryRetention(pool: pool), days: days, tick: .seconds(3600), logger: logger))
        }
        guard let follower else { return services }
        let tick = min(config.pollInterval, .seconds(1))
        return [
            TaskPoller(follower: follower, tasks: tasks, owner: config.instanceID, tick: tick, logger: logger),
            makeCallbackDelivery(),
        ] + services
    }

    /// The HTTP server with its limits (docs/security.md, "HTTP"): a request head must be complete
    /// within 10 s, an idle kept-alive connection closes after 60 s, and at most
    /// `OMNIMETER_MAX_CONNECTIONS` are open (the longest-waiting half-sent one makes room for a new one).
    public func makeApplication(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        let registry = ConnectionRegistry(maxConnections: config.maxConnections)
        let server = HTTPServerBuilder { responder in
            GuardedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .seconds(60))),
                                headTimeout: .seconds(10), registry: registry)
        }
        return Application(
            router: makeRouter(),
            server: server,
            configuration: .init(address: .hostname(config.listenHost, port: config.listenPort), serverName: "omnimeter",
                                 backlog: 1024, availableConnectionsDelegate: BoundedConnections(registry: registry)),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}
