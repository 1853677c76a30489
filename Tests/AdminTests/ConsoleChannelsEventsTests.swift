import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// The console's channels, events, margin and reconcile pages against the real database: the forms
/// change exactly what the admin API's PATCH/POST/DELETE would (and audit it), finance sees no form,
/// text is escaped, and a POST without the CSRF token is 403 and changes nothing. Channels made here
/// are disabled, so no other test's tasks are routed to them.
@Suite struct ConsoleChannelsEventsTests {
    typealias Browser = ConsoleSessionTests.Browser
    let gateway: TestGateway

    init() async throws {
        gateway = try await TestGateway()
    }

    /// The channel the admin API lists under `name`, or nil.
    static func listed(_ client: TestGateway.Client, named name: String) async throws -> JSONValue? {
        let list = try await client.admin(.get, "/admin/v1/channels")
        return list["data"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    static func audits(_ action: String, _ id: String) async throws -> Int64 {
        try await TestDatabase.number("SELECT count(*) AS n FROM audit_log WHERE action = \(action) AND resource_id = \(id)")
    }

    @Test func aChannelCreatedEditedAndDeletedThroughTheFormsIsWhatTheAdminAPIAnswers() async throws {
        try await gateway.run { client in
            let (browser, csrf) = try await ConsoleTenantFormTests.signedIn(client)
            let name = "console channel \(UUID().uuidString.prefix(8))"
            let secret = "sk-console-\(UUID().uuidString)"
            let created = try await browser.post("/console/channels", [
                ("name", name), ("base_url", "https://kling.example"), ("api_key", secret), ("priority", "7"), ("weight", "3"),
                ("models", "kling-video-o1"), ("cost_multiplier", "0.75"), ("csrf", csrf)])
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/console/channels")
            let channel = try #require(try await Self.listed(client, named: name))
            let id = try #require(channel["id"]?.stringValue)
            #expect(channel["base_url"]?.stringValue == "https://kling.example")
            #expect(channel["auth"]?.stringValue == "bearer")
            #expect(channel["priority"]?.int64Value == 7)
            #expect(channel["weight"]?.int64Value == 3)
            #expect(channel["models"] == .array(["kling-video-o1"]))
            #expect(channel["enabled"] == .bool(false))  // the box was not ticked
            #expect(channel["cost_multiplier"]?.stringValue == "0.75")
            #expect(try await Self.audits("channel.create", id) == 1)
            // listed with the kind of auth and never the secret
            let page = try await browser.get("/console/channels")
            #expect(page.status == .ok)
            #expect(page.text.contains(name))
            #expect(page.text.contains(">bearer<"))
            #expect(!page.text.contains(secret))
            #expect(page.text.contains("action=\"/console/channels/\(id)\""))

            // the edit form: every field it shows; an empty secret keeps the stored one
            let edited = try await browser.post("/console/channels/\(id)", [
                ("priority", "2"), ("weight", "5"), ("models", "kling-image-o1"), ("models", "kling-v3-omni"),
                ("cost_multiplier", "1.25"), ("api_key", ""), ("csrf", csrf)])
            #expect(edited.status == .seeOther)
            var after = try await client.admin(.get, "/admin/v1/channels/\(id)")
            #expect(after["priority"]?.int64Value == 2)
            #expect(after["weight"]?.int64Value == 5)
            #expect(after["models"] == .array(["kling-image-o1", "kling-v3-omni"]))
            #expect(after["cost_multiplier"]?.stringValue == "1.25")
            #expect(after["enabled"] == .bool(false))
            #expect(after["name"]?.stringValue == name)
            #expect(after["base_url"]?.stringValue == "https://kling.example")
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM channels WHERE id = \(id) AND api_key = \(secret)") == 1)
            #expect(try await Self.audits("channel.update", id) == 1)
            // no model ticked: every model (null)
            #expect(try await browser.post("/console/channels/\(id)", [("priority", "2"), ("weight", "5"), ("cost_multiplier", "1.25"), ("csrf", csrf)]).status == .seeOther)
            after = try await client.admin(.get, "/admin/v1/channels/\(id)")
            #expect(after["models"] == .null)
            #expect(try await Self.audits("channel.update", id) == 2)

            // the admin API's rules: a weight out of range is 422 and changes nothing
            let refused = try await browser.post("/console/channels/\(id)", [("priority", "2"), ("weight", "-1"), ("cost_multiplier", "1.25"), ("csrf", csrf)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("weight"))
            #expect(try await client.admin(.get, "/admin/v1/channels/\(id)")["weight"]?.int64Value == 5)

            let deleted = try await browser.post("/console/channels/\(id)/delete", [("csrf", csrf)])
            #expect(deleted.status == .seeOther)
            #expect(try await client.admin(.get, "/admin/v1/channels/\(id)").status == .notFound)
            #expect(try await Self.audits("channel.delete", id) == 1)
            #expect(try await browser.post("/console/channels/\(id)/delete", [("csrf", csrf)]).status == .notFound)
        }
    }

    @Test func channelFormsWithoutTheCSRFTokenAre403AndChangeNothing() async throws {
        try await gateway.run { client in
            let name = "csrf channel \(UUID().uuidString.prefix(8))"
            let made = try await client.admin(.post, "/admin/v1/channels", json: ["name": .string(name), "base_url": "https://kling.example", "enabled": false])
            let id = try #require(made["id"]?.stringValue)
            let (browser, _) = try await ConsoleTenantFormTests.signedIn(client)
            let posts: [(String, [(String, String)])] = [
                ("/console/channels", [("name", "\(name) 2"), ("base_url", "https://kling.example")]),
                ("/console/channels/\(id)", [("priority", "99"), ("weight", "9"), ("cost_multiplier", "2")]),
                ("/console/channels/\(id)/delete", []),
            ]
            for (path, form) in posts {
                let page = try await browser.post(path, form + [("csrf", "not-the-token")])
                #expect(page.status == .forbidden, "\(path)")
                #expect(page.text.contains("CSRF"), "\(path)")
                #expect(try await browser.post(path, form).status == .forbidden, "\(path)")
            }
            #expect(try await Self.listed(client, named: "\(name) 2") == nil)
            let after = try await client.admin(.get, "/admin/v1/channels/\(id)")
            #expect(after["priority"]?.int64Value == Int64(UpstreamChannel.defaultPriority))
            #expect(after["weight"]?.int64Value == Int64(UpstreamChannel.defaultWeight))
            #expect(after["cost_multiplier"]?.stringValue == "1")
            #expect(try await Self.audits("channel.update", id) == 0)
            // the built-in channel is read-only here as in the API
            let (signed, csrf) = try await ConsoleTenantFormTests.signedIn(client)
            #expect(try await signed.post("/console/channels/default", [("priority", "1"), ("weight", "1"), ("cost_multiplier", "1"), ("csrf", csrf)]).status == .conflict)
            #expect(try await signed.post("/console/channels/default/delete", [("csrf", csrf)]).status == .conflict)
        }
    }

    @Test func financeSeesChannelsEventsAndMarginWithoutAFormAndCannotCreateAChannel() async throws {
        try await gateway.run { client in
            let name = "finance channel \(UUID().uuidString.prefix(8))"
            let made = try await client.admin(.post, "/admin/v1/channels", json: ["name": .string(name), "base_url": "https://kling.example", "enabled": false])
            let id = try #require(made["id"]?.stringValue)
            let finance = try await client.makeToken("finance")
            var browser = Browser(client: client)
            _ = try await browser.signIn("console", finance.secret)
            for path in ["/console/channels", "/console/events", "/console/reports", "/console/reconcile"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.components(separatedBy: "method=\"post\"").count == 2, "\(path): only the sign-out form posts")
            }
            #expect(try await browser.get("/console/channels").text.contains(name))
            let csrf = try #require(try await browser.get("/console/channels").csrf)
            let create = try await browser.post("/console/channels", [("name", "\(name) 2"), ("base_url", "https://kling.example"), ("csrf", csrf)])
            #expect(create.status == .forbidden)
            #expect(try await Self.listed(client, named: "\(name) 2") == nil)
            #expect(try await browser.post("/console/channels/\(id)/delete", [("csrf", csrf)]).status == .forbidden)
            #expect(try await client.admin(.get, "/admin/v1/channels/\(id)").status == .ok)
        }
    }

    @Test func aChannelNamedLikeMarkupShowsAsText() async throws {
        try await gateway.run { client in
            let name = "<img src=x onerror=alert(1)> \(UUID().uuidString.prefix(8))"
            let made = try await client.admin(.post, "/admin/v1/channels", json: ["name": .string(name), "base_url": "https://kling.example", "enabled": false])
            #expect(made.status == .created)
            let (browser, _) = try await ConsoleTenantFormTests.signedIn(client)
            let page = try await browser.get("/console/channels")
            #expect(page.status == .ok)
            #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!page.text.contains("<img src=x"))
        }
    }

    @Test func theEventsPageListsWhatTheAdminListingAnswersAndLinksToTheDeliveries() async throws {
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let tenant = UUID(uuidString: tenantID)!
            let row = try await gateway.pool.queryFirst("""
                INSERT INTO events (tenant_id, type, data) VALUES (\(tenant), 'balance.low', '{"available_micros":1}'::jsonb) RETURNING id
                """)
            let eventID = try #require(try row?.decode(UUID.self, "id"))
            _ = try await gateway.pool.execute("""
                INSERT INTO callback_outbox (tenant_id, kind, event_id, url, attempts, last_status, last_error, gave_up_at)
                VALUES (\(tenant), 'event', \(eventID), 'https://hooks.example/events', 8, 503, 'HTTP 503', now())
                """)
            let (browser, _) = try await ConsoleTenantFormTests.signedIn(client)
            let page = try await browser.get("/console/events?tenant_id=\(tenantID)")
            #expect(page.status == .ok)
            let listed = try await client.admin(.get, "/admin/v1/events?tenant_id=\(tenantID)")
            let event = try #require(listed["data"]?.arrayValue?.first)
            #expect(event["type"]?.stringValue == "balance.low")
            #expect(event["deliveries"]?.arrayValue?.first?["state"]?.stringValue == "given_up")
            #expect(page.text.contains(">balance.low<"))
            #expect(page.text.contains("tenant: given_up (8 attempts)"))
            #expect(page.text.contains("href=\"/console/tenants/\(tenantID)/deliveries\""))
            // the filters are the admin listing's: another type lists nothing, an unknown one is 400
            #expect(try await browser.get("/console/events?tenant_id=\(tenantID)&type=grant.expired").text.contains("no events"))
            let unknown = try await browser.get("/console/events?type=nonsense")
            #expect(unknown.status == .badRequest)
            #expect(unknown.text.contains("type"))
            #expect(try await browser.get("/console/events?cursor=\(UUID())").status == .badRequest)
            #expect(try await browser.get("/console/events?limit=5").status == .badRequest)
            // and back: the tenant's deliveries page links to its events
            let deliveries = try await browser.get("/console/tenants/\(tenantID)/deliveries")
            #expect(deliveries.text.contains("href=\"/console/events?tenant_id=\(tenantID)\""))
        }
    }

    @Test func theReportsPageShowsTheMarginTableAndItsCSVAndReconcileIsIncrementalUnlessAskedForFull() async throws {
        try await gateway.run { client in
            let (browser, _) = try await ConsoleTenantFormTests.signedIn(client)
            let report = try await browser.get("/console/reports?from=2026-01-01&to=2026-02-01&margin_by=tenant,channel")
            #expect(report.status == .ok)
            #expect(report.text.contains("id=\"margin-table\""))
            #expect(report.text.contains("href=\"/console/reports/margin.csv?from=2026-01-01&amp;to=2026-02-01&amp;group_by=tenant,channel\""))
            #expect(report.text.contains("<option value=\"tenant,channel\" selected>"))
            #expect(try await browser.get("/console/reports?margin_by=key").status == .badRequest)
            let csv = try await browser.get("/console/reports/margin.csv?from=2026-01-01&to=2026-02-01&group_by=tenant,channel")
            #expect(csv.status == .ok)
            let admin = try await client.admin(.get, "/admin/v1/reports/margin.csv?from=2026-01-01&to=2026-02-01&group_by=tenant,channel")
            #expect(csv.text == admin.text)
            let reconcile = try await browser.get("/console/reconcile")
            #expect(reconcile.status == .ok)
            #expect(reconcile.text.contains("href=\"/console/reconcile?full=1\""))
            let full = try await browser.get("/console/reconcile?full=1")
            #expect(full.status == .ok)
            #expect(full.text.contains("This was the full check"))
            #expect(try await browser.get("/console/reconcile?full=yes").status == .badRequest)
        }
    }
}
