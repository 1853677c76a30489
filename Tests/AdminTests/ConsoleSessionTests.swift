import Accounting
import Foundation
import Hummingbird
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// The console and portal against the real database: sign-in, cookies, CSRF, roles, revocation, and
/// forms that go through the admin API's stores (money asserted to the micro).
@Suite struct ConsoleSessionTests {
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String

        /// The value of the first hidden `csrf` field.
        var csrf: String? {
            guard let start = text.range(of: "name=\"csrf\" value=\"") else { return nil }
            return String(text[start.upperBound...].prefix { $0 != "\"" })
        }
    }

    struct Browser: Sendable {
        let client: TestGateway.Client
        var cookie: String?

        func get(_ uri: String) async throws -> Page {
            try await send(.get, uri, form: nil)
        }

        func post(_ uri: String, _ form: [(String, String)]) async throws -> Page {
            try await send(.post, uri, form: form)
        }

        func send(_ method: HTTPRequest.Method, _ uri: String, form: [(String, String)]?) async throws -> Page {
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let cookie { headers[.cookie] = cookie }
            let body = form.map { pairs in
                pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            }
            let response = try await client.client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            return Page(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }

        /// Signs in at `/console/login` (field `token`) or `/portal/login` (field `key`); keeps the cookie.
        mutating func signIn(_ area: String, _ secret: String) async throws -> Page {
            let page = try await post("/\(area)/login", [(area == "console" ? "token" : "key", secret)])
            if let setCookie = page.headers[.setCookie] { cookie = String(setCookie.prefix { $0 != ";" }) }
            return page
        }
    }

    let gateway: TestGateway

    init() async throws {
        gateway = try await TestGateway()
    }

    static func tenantCount(named name: String) async throws -> Int64 {
        try await TestDatabase.number("SELECT count(*) AS n FROM tenants WHERE name = \(name)")
    }

    @Test func signingInSetsAStrictHttpOnlyCookieAndOnlyItsHashIsStored() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            let login = try await browser.get("/console/login")
            #expect(login.status == .ok)
            #expect(login.text.contains("name=\"token\""))
            let signIn = try await browser.signIn("console", TestGateway.bootstrapToken)
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location] == "/console/")
            let setCookie = try #require(signIn.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(!setCookie.contains("Secure"))  // OMNIMETER_PUBLIC_URL is not https here
            let secret = String(try #require(browser.cookie).dropFirst("omnimeter_console=".count))
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM console_sessions WHERE id_hash = \(PostgresBytes(Secrets.hash(secret)))") == 1)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM console_sessions WHERE encode(id_hash, 'escape') LIKE \("%" + secret + "%")") == 0)
            let overview = try await browser.get("/console/")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("<svg"))
            #expect(overview.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        }
    }

    @Test func aWrongTokenIsRefusedAndPagesSendStrangersToSignIn() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            let refused = try await browser.signIn("console", "omt_not-a-token")
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.setCookie] == nil)
            let page = try await browser.get("/console/tenants")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/console/login")
            let post = try await browser.post("/console/tenants", [("name", "stranger")])
            #expect(post.status == .forbidden)
        }
    }

    /// Found by scripts/fuzz.sh: a sign-in or form body over its bound was a 500 page.
    @Test func anOversizedSignInOrFormIs413AndChangesNothing() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            for (area, field) in [("console", "token"), ("portal", "key")] {
                let page = try await browser.post("/\(area)/login", [(field, String(repeating: "a", count: 70_000))])
                #expect(page.status == .contentTooLarge, "\(area): \(page.status)")
                #expect(page.headers[.setCookie] == nil)
            }
            _ = try await browser.signIn("console", TestGateway.bootstrapToken)
            let csrf = try #require(try await browser.get("/console/tenants").csrf)
            let name = "oversized-\(UUID().uuidString)"
            let page = try await browser.post("/console/tenants", [("csrf", csrf), ("name", name), ("pad", String(repeating: "b", count: 5_000_000))])
            #expect(page.status == .contentTooLarge)
            #expect(try await Self.tenantCount(named: name) == 0)
        }
    }

    @Test func aPostWithoutTheSessionsCSRFTokenIs403AndChangesNothing() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", TestGateway.bootstrapToken)
            let name = "csrf \(UUID().uuidString)"
            #expect(try await browser.post("/console/tenants", [("name", name)]).status == .forbidden)
            #expect(try await browser.post("/console/tenants", [("name", name), ("csrf", "0" + String(repeating: "a", count: 63))]).status == .forbidden)
            // another session's token is no good either
            var other = Browser(client: client)
            _ = try await other.signIn("console", TestGateway.bootstrapToken)
            let otherToken = try #require(try await other.get("/console/tenants").csrf)
            #expect(try await browser.post("/console/tenants", [("name", name), ("csrf", otherToken)]).status == .forbidden)
            #expect(try await Self.tenantCount(named: name) == 0)
            let token = try #require(try await browser.get("/console/tenants").csrf)
            let created = try await browser.post("/console/tenants", [("name", name), ("csrf", token)])
            #expect(created.status == .seeOther)
            #expect(try await Self.tenantCount(named: name) == 1)
        }
    }

    @Test func formsCreateATenantAndAKeyAndTopUpToTheMicro() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", TestGateway.bootstrapToken)
            let csrf = try #require(try await browser.get("/console/tenants").csrf)
            let created = try await browser.post("/console/tenants", [("name", "<img src=x onerror=alert(1)>"), ("credit_limit_micros", "250000"), ("csrf", csrf)])
            let location = try #require(created.headers[.location])
            let tenantID = String(location.dropFirst("/console/tenants/".count))
            let page = try await browser.get(location)
            #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!page.text.contains("<img"))
            let key = try await browser.post("\(location)/keys", [("name", "ci key"), ("budget_micros", "5000000"), ("csrf", csrf)])
            #expect(key.status == .created)
            let marker = try #require(key.text.range(of: "<code id=\"new-key-secret\">"))
            let secret = String(key.text[marker.upperBound...].prefix { $0 != "<" })
            #expect(secret.hasPrefix("omk_"))
            let form = [("amount_micros", "12345678"), ("reason", "first top-up"), ("idempotency_key", "console-test-\(tenantID)"), ("csrf", csrf)]
            #expect(try await browser.post("\(location)/credits", form).status == .seeOther)
            #expect(try await browser.post("\(location)/credits", form).status == .seeOther)  // the same form twice: credited once
            let reply = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(reply["balance"]?["credits_micros"]?.int64Value == 12_345_678)
            #expect(reply["balance"]?["available_micros"]?.int64Value == 12_595_678)
            let after = try await browser.get(location)
            #expect(after.text.contains("id=\"available\">12.595678 USD<"))
            // the key signs in to the portal, which shows the same balance
            var tenant = Browser(client: client)
            #expect(try await tenant.signIn("portal", String(secret)).status == .seeOther)
            let portal = try await tenant.get("/portal/")
            #expect(portal.status == .ok)
            #expect(portal.text.contains("id=\"available\">12.595678 USD<"))
            #expect(portal.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(portal.text.components(separatedBy: "<svg").count == 3)
        }
    }

    @Test func aValueTheAdminRulesRefuseIsShownAndChangesNothing() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", TestGateway.bootstrapToken)
            let csrf = try #require(try await browser.get("/console/tenants").csrf)
            let name = "bad limit \(UUID().uuidString)"
            let refused = try await browser.post("/console/tenants", [("name", name), ("credit_limit_micros", "-5"), ("csrf", csrf)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("credit_limit_micros: must be from 0"))
            let notNumber = try await browser.post("/console/tenants", [("name", name), ("rpm_limit", "ten"), ("csrf", csrf)])
            #expect(notNumber.status == .badRequest)
            #expect(try await Self.tenantCount(named: name) == 0)
        }
    }

    @Test func financeSeesEveryPageWithoutWriteControlsAndItsPostsAre403() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let finance = try await client.makeToken("finance")
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", finance.secret)
            for path in ["/console/", "/console/tenants", "/console/tenants/\(tenantID)", "/console/tenants/\(tenantID)/ledger", "/console/tasks",
                         "/console/prices", "/console/reports", "/console/reconcile", "/console/audit", "/console/tenants/\(tenantID)/deliveries"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.components(separatedBy: "method=\"post\"").count == 2, "\(path): only the sign-out form posts")
            }
            let csrf = try #require(try await browser.get("/console/tenants").csrf)
            let post = try await browser.post("/console/tenants/\(tenantID)/credits", [("amount_micros", "1000000"), ("reason", "x"), ("csrf", csrf)])
            #expect(post.status == .forbidden)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")["balance"]?["credits_micros"]?.int64Value == 0)
            let csv = try await browser.get("/console/reports/usage.csv?from=2026-01-01&to=2026-02-01")
            #expect(csv.status == .ok)
            #expect(csv.text.hasPrefix("task_id,tenant_id,tenant_name,"))
        }
    }

    @Test func revokingTheTokenOrKeyEndsItsSessionAtTheNextRequest() async throws {
        try await gateway.run { client in
            let admin = try await client.makeToken("admin")
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", admin.secret)
            #expect(try await browser.get("/console/tenants").status == .ok)
            #expect(try await client.admin(.delete, "/admin/v1/tokens/\(admin.id)").status == .ok)
            #expect(try await browser.get("/console/tenants").status == .seeOther)

            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            var tenant = Browser(client: client)
            _ = try await tenant.signIn("portal", key.secret)
            #expect(try await tenant.get("/portal/tasks").status == .ok)
            #expect(try await client.admin(.delete, "/admin/v1/keys/\(key.id)").status == .ok)
            let after = try await tenant.get("/portal/tasks")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/portal/login")
        }
    }

    @Test func signingOutEndsTheSessionAndSessionsLastTwelveHours() async throws {
        try await gateway.run { client in
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", TestGateway.bootstrapToken)
            let secret = String(try #require(browser.cookie).dropFirst("omnimeter_console=".count))
            let hours = try await TestDatabase.number("""
                SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::bigint AS n FROM console_sessions
                WHERE id_hash = \(PostgresBytes(Secrets.hash(secret)))
                """)
            #expect(hours == 12)
            let csrf = try #require(try await browser.get("/console/").csrf)
            let out = try await browser.post("/console/logout", [("csrf", csrf)])
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await browser.get("/console/").status == .seeOther)
            // a session past its time is refused even with its cookie
            var late = Browser(client: client)
            _ = try await late.signIn("console", TestGateway.bootstrapToken)
            let lateSecret = String(try #require(late.cookie).dropFirst("omnimeter_console=".count))
            _ = try await gateway.pool.execute("""
                UPDATE console_sessions SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 hour'
                WHERE id_hash = \(PostgresBytes(Secrets.hash(lateSecret)))
                """)
            #expect(try await late.get("/console/").status == .seeOther)
        }
    }

    @Test func aPortalKeySeesOnlyItsOwnTenantsTasks() async throws {
        try await gateway.run { client in
            let mine = try await client.makeTenant()
            let theirs = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: mine)
            var tenant = Browser(client: client)
            _ = try await tenant.signIn("portal", key.secret)
            // the portal's tasks take no tenant_id: asking for another tenant's is refused, never answered
            let page = try await tenant.get("/portal/tasks?tenant_id=\(theirs)")
            #expect(page.status == .badRequest)
            #expect(!page.text.contains(theirs))
            #expect(!(try await tenant.get("/portal/tasks").text.contains(theirs)))
            // the console is not the portal: a portal cookie opens no console page
            #expect(try await tenant.get("/console/").status == .seeOther)
        }
    }
}
