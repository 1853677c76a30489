import Accounting
import Hummingbird
import Postgres

/// The admin API (`/admin/v1/…`, docs/api.md "Admin API"), and `GET /v1/account`, the tenant's own
/// view of what admins set. Route handlers only read input and shape answers; SQL lives in Accounting.
struct AdminRoutes: Sendable {
    let pool: PostgresPool
    let readPool: PostgresPool
    let authenticator: AdminAuthenticator
    /// OMNIMETER_ALLOW_PRIVATE_CALLBACKS: whether a tenant callback_url may name a private address.
    let allowPrivateCallbacks: Bool
    /// Reports and the CSV export, whose gate (OMNIMETER_MAX_EXPORTS at once) the console shares.
    let reports: ReportRoutes
    /// The upstream channels (`/admin/v1/channels`); their routing cache is refreshed after each change.
    var channels: UpstreamRouting?

    init(config: GatewayConfig, pool: PostgresPool, readPool: PostgresPool? = nil, channels: UpstreamRouting? = nil, reports: ReportRoutes) {
        self.channels = channels
        self.pool = pool
        self.allowPrivateCallbacks = config.allowPrivateCallbacks
        self.readPool = readPool ?? pool
        self.reports = reports
        self.authenticator = AdminAuthenticator(pool: pool, bootstrapToken: config.adminToken)
    }

    func register(on router: Router<GatewayContext>) {
        let admin = group(on: router)
        registerTokens(on: admin)
        registerTenants(on: admin)
        registerCredits(on: admin)
        registerKeys(on: admin)
        registerPrices(on: admin)
        registerPricing(on: admin)
        registerGrants(on: admin)
        registerAudit(on: admin)
        registerDeliveries(on: admin)
        AdminStatementRoutes(pool: pool).register(on: admin) // statements (both roles read), closing periods (admin)
        reports.register(on: admin) // tasks, ledger, reports, exports, reconcile: both roles read
        AccountRoute(pool: pool).register(on: router)
        registerEvents(on: admin) // webhook endpoints, events, webhook secret rotation (docs/events.md)
        registerChannels(on: admin)
        registerBills(on: admin) // upstream bills (docs/channels.md)
        MarginRoutes(pool: pool, readPool: readPool, exports: reports.exports).register(on: admin) // margin report JSON and CSV: both roles read
    }

    /// `/admin/v1` with the error body, authentication and the role check. Other admin routes
    /// (tasks, ledger, reports) register on a group made here so they get the same rules.
    func group(on router: Router<GatewayContext>) -> RouterGroup<AdminContext> {
        router.group("admin/v1")
            .add(middleware: AdminErrorMiddleware())
            .group(context: AdminContext.self)
            .add(middleware: AdminAuthMiddleware(authenticator: authenticator))
            .add(middleware: AdminRefusedValueMiddleware())
    }
}

/// A resource and, this once, its secret under `field` (`token` of an admin token, `key` of an API key).
struct RevealedSecret<Resource: Encodable & Sendable>: Encodable, Sendable {
    let resource: Resource
    let field: String
    let secret: String

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        try resource.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(secret, forKey: Key(stringValue: field))
    }
}
