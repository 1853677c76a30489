import Accounting
import Foundation
import Hummingbird
import Postgres

/// The operators' console (`/console/…`) and the tenants' portal (`/portal/…`): server-rendered pages
/// over the same Accounting stores and field rules as the admin API (README, "Web console and portal").
public struct ConsoleRoutes: Sendable {
    let config: GatewayConfig
    let pool: PostgresPool
    let sessions: ConsoleSessionStore
    let cookies: ConsoleCookies
    let admins: AdminAuthenticator
    let keys: KeyAuthenticator
    let pages = ConsolePages.shared
    /// The admin API's report routes: the console's CSV download shares their export gate.
    let reports: ReportRoutes
    /// The admin API's margin report and CSV, on the same pools and export gate as the usage report's.
    let margin: MarginRoutes
    /// The upstream routing: the channels page lists and refreshes it as the admin API does.
    let channels: UpstreamRouting?

    public init(config: GatewayConfig, pool: PostgresPool, reports: ReportRoutes, channels: UpstreamRouting? = nil) {
        self.config = config
        self.pool = pool
        self.reports = reports
        self.channels = channels
        margin = MarginRoutes(pool: reports.pool, readPool: reports.readPool, exports: reports.exports)
        sessions = ConsoleSessionStore(pool: pool, bootstrapToken: config.adminToken)
        cookies = ConsoleCookies(config: config)
        admins = AdminAuthenticator(pool: pool, bootstrapToken: config.adminToken)
        keys = KeyAuthenticator(pool: pool)
    }

    public func register(on router: Router<GatewayContext>) {
        for kind in [ConsoleSessionKind.console, .portal] {
            let open = router.group(RouterPath(kind.rawValue)).add(middleware: ConsoleErrorMiddleware<GatewayContext>(kind: kind, pages: pages))
                .add(middleware: ConsoleQueryPolicy())
            open.get("style.css") { _, _ in ConsolePages.stylesheetResponse() }
            open.get("login") { _, _ in signInPage(kind, problem: nil, status: .ok) }
            open.post("login") { request, context in try await signIn(kind, request, context) }
            let signedIn = router.group(RouterPath(kind.rawValue))
                .add(middleware: ConsoleErrorMiddleware<GatewayContext>(kind: kind, pages: pages))
                .add(middleware: ConsoleQueryPolicy())
                .group(context: ConsoleContext.self)
                .add(middleware: ConsoleSessionMiddleware(kind: kind, store: sessions))
            signedIn.post("logout") { _, context in try await signOut(kind, context) }
            if kind == .console {
                registerOverview(on: signedIn)
                registerTenants(on: signedIn)
                registerKeys(on: signedIn)
                registerFinance(on: signedIn)
                registerPricing(on: signedIn)
                registerGrants(on: signedIn)
                registerBudgets(on: signedIn)
                registerDeliveries(on: signedIn)
                registerChannels(on: signedIn)
                registerEvents(on: signedIn)
            } else {
                registerPortal(on: signedIn)
            }
        }
    }

    // MARK: signing in and out

    func signInPage(_ kind: ConsoleSessionKind, problem: String?, status: HTTPResponse.Status) -> Response {
        var values: [String: Any] = [
            "area": kind.rawValue, "base": ConsoleCookies.path(kind),
            "title": kind == .console ? "Sign in to the console" : "Sign in to your portal",
            "field": kind == .console ? "token" : "key",
            "field_label": kind == .console ? "Admin token" : "Tenant API key",
            "hint": kind == .console
                ? "An admin or finance token; a local run of scripts/run.sh uses dev-admin-token."
                : "One of your tenant's API keys. You see your own tenant's balance, spend and tasks.",
        ]
        if let problem { values["problem"] = problem }
        return pages.response("login", values, status: status)
    }

    /// A browser sends `Origin` on a cross-site POST: a sign-in posted from another site is refused, so no
    /// page elsewhere can sign a browser in to someone else's session. Clients that send none (curl) pass.
    func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let url = URL(string: origin), let host = url.host else { return false }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        var allowed: [String] = []
        if let own = request.head.authority { allowed.append(own.lowercased()) }
        if let public_ = config.publicURL, let host = public_.host {
            allowed.append((public_.port.map { "\(host):\($0)" } ?? host).lowercased())
        }
        return allowed.contains(authority.lowercased())
    }

    func signIn(_ kind: ConsoleSessionKind, _ request: Request, _ context: GatewayContext) async throws -> Response {
        guard sameOrigin(request) else { throw ConsoleFailure(status: .forbidden, message: "sign-in posted from another site") }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let form = ConsoleForm.parse(String(decoding: buffer.readableBytesView, as: UTF8.self))
        let secret: String
        switch kind {
        case .console:
            guard let principal = try await admins.authenticate(token: form.value("token")) else {
                return signInPage(kind, problem: "That admin token is not valid (unknown or revoked).", status: .unauthorized)
            }
            secret = try await sessions.openConsole(for: principal)
            context.logger.info("console sign-in", metadata: ["admin_actor": "\(principal.actor)"])
        case .portal:
            let key: AuthenticatedKey
            do {
                key = try await keys.authenticate(secret: form.value("key"))
            } catch let error as KeyAuthenticationError {
                let problem = error == .expired ? "That key has expired." : "That key is not valid (unknown or revoked)."
                return signInPage(kind, problem: problem, status: .unauthorized)
            }
            secret = try await sessions.openPortal(keyID: key.keyID, tenantID: key.tenantID)
            context.logger.info("portal sign-in", metadata: ["tenant_id": "\(key.tenantID.uuidString.lowercased())"])
        }
        var response = ConsolePages.redirect("\(ConsoleCookies.path(kind))/")
        response.setCookie(cookies.session(kind, secret: secret))
        return response
    }

    func signOut(_ kind: ConsoleSessionKind, _ context: ConsoleContext) async throws -> Response {
        try await sessions.end(secret: context.secret)
        var response = ConsolePages.redirect("\(ConsoleCookies.path(kind))/login")
        response.setCookie(cookies.cleared(kind))
        return response
    }

    // MARK: what every signed-in page shows

    static let consoleNav: [(href: String, label: String)] = [
        ("/console/", "Overview"), ("/console/tenants", "Tenants"), ("/console/tasks", "Tasks"), ("/console/prices", "Prices"),
        ("/console/channels", "Channels"), ("/console/events", "Events"), ("/console/reports", "Reports"), ("/console/reconcile", "Reconcile"), ("/console/audit", "Audit"),
    ]
    static let portalNav: [(href: String, label: String)] = [
        ("/portal/", "Balance and spend"), ("/portal/tasks", "Tasks"), ("/portal/statements", "Statements"), ("/portal/deliveries", "Deliveries"),
    ]

    /// The layout's values: title, navigation, the CSRF token for the sign-out form, the role.
    func page(_ context: ConsoleContext, title: String, current: String) throws -> [String: Any] {
        let session = try context.requireSession()
        let nav = session.kind == .console ? Self.consoleNav : Self.portalNav
        let who: String
        if session.kind == .console {
            who = "\(session.role?.rawValue ?? "")\(session.actor == AdminPrincipal.bootstrap.actor ? " (bootstrap token)" : "")"
        } else {
            who = "tenant key"
        }
        return [
            "title": title, "area": session.kind.rawValue, "base": ConsoleCookies.path(session.kind), "signed_in": true,
            "csrf": context.csrf, "who": who, "may_write": session.mayWrite,
            "read_only": session.kind == .console && !session.mayWrite,
            "nav": nav.map { ["href": $0.href, "label": $0.label, "current": $0.href == current] as [String: Any] },
        ]
    }

    /// Times as people read them, in UTC to the minute.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        let text = RFC3339.format(date)  // 2026-11-23T01:27:00.123Z
        return "\(text.prefix(10)) \(text.dropFirst(11).prefix(5)) UTC"
    }

    /// The UTC midnight at the start of `date`'s day.
    static func dayStart(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: date)
    }

    static func day(_ date: Date) -> String { String(RFC3339.format(date).prefix(10)) }
}
