import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// The console's rate card, grant, budget and delivery forms and the portal's statements and
/// deliveries, against the real database: each form lands where the admin API reads it (money to the
/// micro), a POST without the CSRF token is 403 and changes nothing, unknown query parameters are 400.
@Suite struct ConsoleTenantFormTests {
    typealias Browser = ConsoleSessionTests.Browser
    let gateway: TestGateway

    init() async throws {
        gateway = try await TestGateway()
    }

    static func signedIn(_ client: TestGateway.Client) async throws -> (Browser, String) {
        var browser = Browser(client: client)
        _ = try await browser.signIn("console", TestGateway.bootstrapToken)
        return (browser, try #require(try await browser.get("/console/tenants").csrf))
    }

    @Test func aGrantCreatedThroughTheConsoleIsListedByTheAdminAPIToTheMicro() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let (browser, csrf) = try await Self.signedIn(client)
            let posted = try await browser.post("/console/tenants/\(tenantID)/grants", [
                ("amount_micros", "1234567"), ("name", "promo"), ("priority", "3"), ("models", "kling-video-o1"),
                ("idempotency_key", "console-grant-test-\(tenantID)"), ("csrf", csrf)])
            #expect(posted.status == .seeOther)
            let list = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/grants")
            let grants = try #require(list["data"]?.arrayValue)
            #expect(grants.count == 1)
            #expect(grants.first?["amount_micros"]?.int64Value == 1_234_567)
            #expect(grants.first?["remaining_micros"]?.int64Value == 1_234_567)
            #expect(grants.first?["priority"]?.int64Value == 3)
            #expect(grants.first?["status"]?.stringValue == "active")
            #expect(grants.first?["models"] == .array(["kling-video-o1"]))
            let tenant = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(tenant["balance"]?["grants_micros"]?.int64Value == 1_234_567)
            #expect(tenant["balance"]?["available_micros"]?.int64Value == 1_234_567)
            // the ledger row and the audit entry of the admin API's own store
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = \(UUID(uuidString: tenantID)!) AND kind = 'grant' AND amount_micros = 1234567") == 1)
            let page = try await browser.get("/console/tenants/\(tenantID)")
            #expect(page.text.contains("1.234567 USD"))
            // voided through the console: the remainder leaves
            let grantID = try #require(grants.first?["id"]?.stringValue)
            #expect(try await browser.post("/console/grants/\(grantID)/void", [("csrf", csrf)]).status == .seeOther)
            #expect(try await client.admin(.get, "/admin/v1/grants/\(grantID)")["voided_micros"]?.int64Value == 1_234_567)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")["balance"]?["available_micros"]?.int64Value == 0)
        }
    }

    @Test func formPostsWithoutTheCSRFTokenAre403AndChangeNothing() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let (browser, _) = try await Self.signedIn(client)
            let posts: [(String, [(String, String)])] = [
                ("/console/tenants/\(tenantID)/grants", [("amount_micros", "1000000"), ("name", "no csrf")]),
                ("/console/tenants/\(tenantID)/pricing/multiplier", [("multiplier", "0.5")]),
                ("/console/tenants/\(tenantID)/pricing/rows", [("kind", "image"), ("model", "kling-image-o1"), ("resolution", "1k"), ("micros", "1")]),
                ("/console/tenants/\(tenantID)/pricing/reset", []),
                ("/console/tenants/\(tenantID)/budgets", [("day_budget_micros", "5"), ("time_zone", "Asia/Tokyo")]),
            ]
            for (path, form) in posts {
                let page = try await browser.post(path, form)
                #expect(page.status == .forbidden, "\(path)")
                #expect(page.text.contains("CSRF"), "\(path)")
            }
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/grants")["data"]?.arrayValue?.count == 0)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")["version"]?.int64Value == 0)
            let tenant = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(tenant["budgets"]?.arrayValue?.isEmpty == true)
            #expect(tenant["time_zone"]?.stringValue == "UTC")
        }
    }

    @Test func theRateCardFormsMakeTheCardsThePricingAPIAnswers() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let (browser, csrf) = try await Self.signedIn(client)
            let base = "/console/tenants/\(tenantID)/pricing"
            #expect(try await browser.post("\(base)/multiplier", [("multiplier", "0.8"), ("csrf", csrf)]).status == .seeOther)
            let row = [("kind", "video"), ("model", "kling-video-o1"), ("mode", "pro"), ("sound", "off"), ("micros", "100000"), ("csrf", csrf)]
            #expect(try await browser.post("\(base)/rows", row).status == .seeOther)
            var card = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")
            #expect(card["version"]?.int64Value == 2)
            #expect(card["multiplier"]?.stringValue == "0.8")
            #expect(card["video"] == .array([["model": "kling-video-o1", "mode": "pro", "sound": "off", "micros_per_second": 100_000]]))
            // the page shows the tenant's unit price: std o1 84,000 × 0.8 = 67,200 a second
            let page = try await browser.get("/console/tenants/\(tenantID)")
            #expect(page.text.contains("0.0672 USD / s"))
            #expect(page.text.contains("id=\"card-multiplier\">0.8<"))
            // the PUT's rules: a multiplier with 8 places is 422 and stores no version
            let refused = try await browser.post("\(base)/multiplier", [("multiplier", "0.12345678"), ("csrf", csrf)])
            #expect(refused.status == .unprocessableContent)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")["version"]?.int64Value == 2)
            let remove = [("kind", "video"), ("model", "kling-video-o1"), ("mode", "pro"), ("sound", "off"), ("csrf", csrf)]
            #expect(try await browser.post("\(base)/rows/remove", remove).status == .seeOther)
            card = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")
            #expect(card["version"]?.int64Value == 3)
            #expect(card["video"] == .array([]))
            #expect(card["multiplier"]?.stringValue == "0.8")
            #expect(try await browser.post("\(base)/reset", [("csrf", csrf)]).status == .seeOther)
            card = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")
            #expect(card["version"]?.int64Value == 4)
            #expect(card["multiplier"]?.stringValue == "1")
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM audit_log WHERE action = 'tenant.pricing' AND resource_id = \(tenantID)") == 4)
        }
    }

    @Test func theBudgetFormSetsWindowsInTheTenantsTimeZoneAndRefusesAnUnknownZone() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let (browser, csrf) = try await Self.signedIn(client)
            let form = [("day_budget_micros", "5000000"), ("week_budget_micros", ""), ("month_budget_micros", "90000000"),
                        ("time_zone", "Asia/Tokyo"), ("csrf", csrf)]
            #expect(try await browser.post("/console/tenants/\(tenantID)/budgets", form).status == .seeOther)
            let tenant = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(tenant["time_zone"]?.stringValue == "Asia/Tokyo")
            #expect(tenant["monthly_budget_micros"]?.int64Value == 90_000_000)
            let budgets = try #require(tenant["budgets"]?.arrayValue)
            #expect(budgets.map { $0["period"]?.stringValue } == ["day", "month"])
            #expect(budgets.first?["amount_micros"]?.int64Value == 5_000_000)
            #expect(budgets.first?["window_start"]?.stringValue?.contains("T15:00:00") == true)
            let page = try await browser.get("/console/tenants/\(tenantID)")
            #expect(page.text.contains("id=\"time-zone\">Asia/Tokyo<"))
            #expect(page.text.contains("15:00 UTC"))
            let refused = try await browser.post("/console/tenants/\(tenantID)/budgets", [("day_budget_micros", "1"), ("time_zone", "Mars/Olympus"), ("csrf", csrf)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("time_zone"))
            let after = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(after["time_zone"]?.stringValue == "Asia/Tokyo")
            #expect(after["budgets"]?.arrayValue?.first?["amount_micros"]?.int64Value == 5_000_000)
        }
    }

    @Test func theDeliveriesPageListsWhatTheAdminListingAnswersAndRetryMakesAGivenUpOneDue() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            let tenant = UUID(uuidString: tenantID)!
            let taskID = UUID()
            _ = try await gateway.pool.execute("""
                INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, price_version, price_request, request_body, state,
                                   reserved_micros, released_micros, ended_at)
                VALUES (\(taskID), \(tenant), \(UUID(uuidString: key.id)!), 'omni-video', 'kling-video-o1', 'pro',
                        (SELECT max(version) FROM price_books), '{}'::jsonb, '{}'::jsonb, 'failed', 0, 0, now())
                """)
            let row = try await gateway.pool.queryFirst("""
                INSERT INTO callback_outbox (tenant_id, task_id, url, payload, attempts, last_status, last_error, gave_up_at)
                VALUES (\(tenant), \(taskID), 'https://hooks.example/<b>x</b>', '{}'::jsonb, 8, 503, 'HTTP 503', now()) RETURNING id
                """)
            let deliveryID = try #require(try row?.decode(Int64.self, "id"))
            let (browser, csrf) = try await Self.signedIn(client)
            let page = try await browser.get("/console/tenants/\(tenantID)/deliveries")
            #expect(page.status == .ok)
            #expect(page.text.contains("given_up"))
            #expect(page.text.contains("https://hooks.example/&lt;b&gt;x&lt;/b&gt;"))
            #expect(page.text.contains("action=\"/console/deliveries/\(deliveryID)/retry\""))
            let listed = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/deliveries")
            #expect(page.text.contains(">\(listed["data"]?.arrayValue?.first?["kind"]?.stringValue ?? "?")<"))
            // without the token nothing changes
            #expect(try await browser.post("/console/deliveries/\(deliveryID)/retry", [("tenant_id", tenantID)]).status == .forbidden)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/deliveries")["data"]?.arrayValue?.first?["state"]?.stringValue == "given_up")
            let retried = try await browser.post("/console/deliveries/\(deliveryID)/retry", [("tenant_id", tenantID), ("csrf", csrf)])
            #expect(retried.status == .seeOther)
            #expect(retried.headers[.location] == "/console/tenants/\(tenantID)/deliveries")
            let after = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/deliveries")["data"]?.arrayValue?.first
            #expect(after?["state"]?.stringValue == "pending")
            #expect(after?["attempts"]?.int64Value == 0)
            // the portal shows the tenant its own deliveries, with no button
            var portal = Browser(client: client)
            _ = try await portal.signIn("portal", key.secret)
            let own = try await portal.get("/portal/deliveries")
            #expect(own.status == .ok)
            #expect(own.text.contains("https://hooks.example/&lt;b&gt;x&lt;/b&gt;"))
            #expect(!own.text.contains("/retry"))
        }
    }

    @Test func thePortalListsMonthsSinceCreationAndServesTheSameStatementAsTheTenantAPI() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant(["name": "<script>alert(1)</script>"])
            let key = try await client.makeKey(tenantID: tenantID)
            _ = try await gateway.pool.execute("UPDATE tenants SET created_at = now() - interval '70 days' WHERE id = \(UUID(uuidString: tenantID)!)")
            var portal = Browser(client: client)
            _ = try await portal.signIn("portal", key.secret)
            let list = try await portal.get("/portal/statements")
            #expect(list.status == .ok)
            #expect(list.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!list.text.contains("<script>"))
            let month = String(RFC3339.format(Date()).prefix(7))
            #expect(list.text.contains("href=\"/portal/statements/\(month).html\""))
            #expect(list.text.components(separatedBy: ".csv\"").count - 1 >= 3)  // at least three months: this one and two before
            let html = try await portal.get("/portal/statements/\(month).html")
            let api = try await client.send(.get, "/v1/statements/\(month).html", token: key.secret)
            #expect(html.status == .ok)
            #expect(html.text == api.text)
            let json = try await portal.get("/portal/statements/\(month)")
            #expect((try JSONValue.decode(Data(json.text.utf8)))["tenant_id"]?.stringValue == tenantID)
            #expect(try await portal.get("/portal/statements/2999-01").status == .notFound)
        }
    }

    @Test func anUnknownQueryParameterIsA400PageNamingIt() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            let (browser, _) = try await Self.signedIn(client)
            let refused = try await browser.get("/console/tasks?state=failed")
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("state: unknown query parameter"))
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await browser.get("/console/tenants/\(tenantID)/deliveries?limit=5").status == .badRequest)
            #expect(try await browser.get("/console/tasks?status=failed").status == .ok)
            var portal = Browser(client: client)
            _ = try await portal.signIn("portal", key.secret)
            #expect(try await portal.get("/portal/tasks?tenant_id=\(tenantID)").status == .badRequest)
            #expect(try await portal.get("/portal/statements?month=2026-01").status == .badRequest)
        }
    }
}
