import Accounting
import Crypto
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// Monthly statements and closed periods, over the whole gateway router on a private database (a close
/// covers every tenant, and the test moves time by rewriting timestamps, which no other test may see).
@Suite struct StatementTests {
    static let token = Secrets.generate(prefix: "omt_")

    static func withGateway<T: Sendable>(_ pool: PostgresPool, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        var config = try GatewayConfig.fromEnvironment(["OMNIMETER_DATABASE_URL": pool.url])
        config.adminToken = token
        let router = Gateway(config: config, pool: pool, logger: .init(label: "test")).makeRouter()
        return try await Application(router: router).test(.router) { try await body($0) }
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, token: String = token) async throws -> (status: HTTPResponse.Status, text: String, json: JSONValue) {
        let response = try await client.executeRequest(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
        let text = String(buffer: response.body)
        return (response.status, text, (try? JSONValue.decode(Data(text.utf8))) ?? .null)
    }

    /// "Time passes": everything this tenant did so far happened on `day` instead. The ledger refuses
    /// updates by trigger; on this private database the trigger is lifted for this one rewrite.
    static func moveTenant(_ pool: PostgresPool, _ tenantID: UUID, to day: String) async throws {
        try await pool.transaction { connection in
            try await connection.execute("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update")
            try await connection.execute("UPDATE ledger_entries SET created_at = \(day)::timestamptz + id * interval '1 second' WHERE tenant_id = \(tenantID)")
            try await connection.execute("ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_update")
            try await connection.execute("""
                UPDATE tasks SET created_at = \(day)::timestamptz, submitted_at = NULL,
                       ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE \(day)::timestamptz + interval '1 hour' END
                WHERE tenant_id = \(tenantID)
                """)
            try await connection.execute("UPDATE tenants SET created_at = \(day)::timestamptz - interval '5 days' WHERE id = \(tenantID)")
            try await connection.execute("UPDATE api_keys SET created_at = \(day)::timestamptz - interval '5 days' WHERE tenant_id = \(tenantID)")
        }
    }

    static func ledgerTotal(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Int64 {
        try #require(try await pool.queryFirst("""
            SELECT COALESCE(sum(CASE WHEN kind IN ('credit', 'adjustment') THEN amount_micros
                                     WHEN kind IN ('charge', 'late_charge') THEN -amount_micros ELSE 0 END), 0)::bigint AS n
            FROM ledger_entries WHERE tenant_id = \(tenantID)
            """)).decode(Int64.self, "n")
    }

    @Test func aClosedMonthNeverChangesAndALateChargeLandsInTheNextOpenMonth() async throws {
        let (pool, drop) = try await Fixtures.privateDatabase()
        defer { Task { await drop() } }
        let key = try await Fixtures.tenant(pool, name: "<b>Acme & Co</b>", keyName: "=ci", credits: 10_000_000)
        let tenant = key.tenantID.uuidString.lowercased()
        let store = TaskStore(pool: pool)
        // March 2025: a credit of 10,000,000, a charge of 560,000, an adjustment of −100,000, and a task
        // that expired (released, charged nothing)
        let charged = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
        let expired = try await Fixtures.openTask(pool, key, Fixtures.o1Pro5s)
        _ = try await store.settle(taskID: expired.id, outcome: .expired)
        _ = try await CreditStore(pool: pool).add(tenantID: key.tenantID, amountMicros: -100_000, reason: "goodwill back", idempotencyKey: nil, actor: "test")
        try await Self.moveTenant(pool, key.tenantID, to: "2025-03-15T12:00:00Z")

        try await Self.withGateway(pool) { client in
            let open = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-03")
            #expect(open.status == .ok, "\(open.text)")
            #expect(open.json["closed"] == false)
            #expect(open.json["digest"] == .null)
            #expect(open.json["opening_balance_micros"] == 0)
            #expect(open.json["credits_micros"] == 10_000_000)
            #expect(open.json["adjustments_micros"] == -100_000)
            #expect(open.json["charges_micros"] == 560_000)
            #expect(open.json["late_charges_micros"] == 0)
            #expect(open.json["closing_balance_micros"] == 9_340_000)
            let line: JSONValue = ["key_id": .string(key.keyID.uuidString.lowercased()), "key_name": "=ci", "model": "kling-video-o1",
                                   "tasks": 1, "billable_seconds": 5, "images": 0, "charged_micros": 560_000]
            #expect(open.json["lines"] == .array([line]))
            let fields: Set<String> = [
                "tenant_id", "month", "currency", "opening_balance_micros", "credits_micros", "grants_micros", "expired_micros",
                "voided_micros", "charges_micros", "late_charges_micros", "adjustments_micros", "closing_balance_micros", "lines",
                "closed", "digest"]
            #expect(Set((open.json.objectValue ?? [:]).keys) == fields)

            // a finance token may read statements but not close a period
            let finance = try await client.executeRequest(uri: "/admin/v1/tokens", method: .post, headers: [.authorization: "Bearer \(Self.token)"],
                                                          body: ByteBuffer(string: #"{"name":"f","role":"finance"}"#))
            let financeToken = try #require(try JSONValue.decode(Data(buffer: finance.body))["token"]?.stringValue)
            let refused = try await client.executeRequest(uri: "/admin/v1/periods/2025-03/close", method: .post,
                                                         headers: [.authorization: "Bearer \(financeToken)"], body: nil)
            #expect(refused.status == .forbidden)
            #expect(try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-03", token: financeToken).status == .ok)

            let close = try await client.executeRequest(uri: "/admin/v1/periods/2025-03/close", method: .post,
                                                       headers: [.authorization: "Bearer \(Self.token)"], body: nil)
            #expect(close.status == .ok, "\(String(buffer: close.body))")
            let closed = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-03")
            let digest = try #require(closed.json["digest"]?.stringValue)
            #expect(closed.json["closed"] == true)
            #expect(closed.json["closing_balance_micros"] == 9_340_000)
            // the digest is the SHA-256 of the document as stored
            let document = try #require(try await pool.queryFirst("SELECT document FROM closed_statements WHERE tenant_id = \(key.tenantID)")).decode(String.self, "document")
            #expect(SHA256.hash(data: Data(document.utf8)).map { String(format: "%02x", $0) }.joined() == digest)

            // after the close: the expired task succeeds after all (a late charge of 560,000 for March's task),
            // and the key is renamed; neither may touch March
            _ = try await store.settle(taskID: expired.id, outcome: Fixtures.succeeded(560_000, seconds: 5))
            try await pool.execute("UPDATE api_keys SET name = 'renamed' WHERE id = \(key.keyID)")
            let again = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-03")
            #expect(again.text == closed.text)
            #expect(again.json["digest"]?.stringValue == digest)

            // the late charge lands in April, the first open month, with a reference to its task
            let april = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-04")
            #expect(april.json["closed"] == false)
            #expect(april.json["opening_balance_micros"] == 9_340_000)
            #expect(april.json["late_charges_micros"] == 560_000)
            #expect(april.json["charges_micros"] == 0)
            #expect(april.json["closing_balance_micros"] == 8_780_000)
            #expect(april.json["lines"]?.arrayValue?.first?["charged_micros"] == 560_000)
            #expect(april.json["lines"]?.arrayValue?.first?["key_name"] == "renamed")
            let html = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-04.html")
            #expect(html.text.contains(expired.id.uuidString.lowercased()))
            #expect(html.text.contains("&lt;b&gt;Acme &amp; Co&lt;/b&gt;"))
            #expect(!html.text.contains("<b>Acme"))

            // every month ties to the ledger: this month's closing is the ledger's sum to the micro
            let now = Date()
            let month = String(RFC3339.format(now).prefix(7))
            let reader = try await Self.tenantKey(pool, key.tenantID)
            let current = try await Self.get(client, "/v1/statements/\(month)", token: reader)
            let ledger = try await Self.ledgerTotal(pool, key.tenantID)
            #expect(ledger == 8_780_000)
            #expect(current.json["data"]?["closing_balance_micros"]?.int64Value == ledger)
            #expect(current.json["data"]?["opening_balance_micros"] == 8_780_000)

            // CSV: the lines, RFC 4180, a formula-looking name defused
            let csv = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-03.csv")
            #expect(csv.text == StatementFormat.csvHeader + "\r\n\(key.keyID.uuidString.lowercased()),'=ci,kling-video-o1,1,5,0,560000,0.560000\r\n")

            // before the tenant existed: zeros; not yet begun: 404; closing again changes nothing
            let before = try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2024-11")
            #expect(before.json["closing_balance_micros"] == 0)
            #expect(before.json["lines"] == [])
            #expect(try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2999-01").status == .notFound)
            #expect(try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-13").status == .notFound)
            let second = try await client.executeRequest(uri: "/admin/v1/periods/2025-03/close", method: .post,
                                                        headers: [.authorization: "Bearer \(Self.token)"], body: nil)
            #expect(second.status == .ok)
            #expect(try await Self.get(client, "/admin/v1/tenants/\(tenant)/statements/2025-03").text == closed.text)
            let future = try await client.executeRequest(uri: "/admin/v1/periods/2999-01/close", method: .post,
                                                        headers: [.authorization: "Bearer \(Self.token)"], body: nil)
            #expect(future.status == .unprocessableContent)
        }
    }

    /// A month starts at local midnight of the 1st in the tenant's zone: Tokyo's March 2026 starts
    /// 2026-02-28T15:00Z, Los Angeles' 2026-03-01T08:00Z; the SQL takes the same window as the Swift.
    @Test func aMonthWindowFollowsTheTimeZone() async throws {
        let march = try #require(StatementMonth("2026-03"))
        let tokyo = march.window(in: try #require(TimeZone(identifier: "Asia/Tokyo")))
        #expect(tokyo.start == Date.utc("2026-02-28T15:00:00Z"))
        #expect(tokyo.end == Date.utc("2026-03-31T15:00:00Z"))
        let angeles = march.window(in: try #require(TimeZone(identifier: "America/Los_Angeles")))
        #expect(angeles.start == Date.utc("2026-03-01T08:00:00Z"))
        #expect(angeles.end == Date.utc("2026-04-01T07:00:00Z"))  // summer time began on March 8
        let row = try #require(try await Fixtures.pool().queryFirst("""
            SELECT ('2026-03-01'::date::timestamp AT TIME ZONE 'Asia/Tokyo') AS start,
                   ('2026-04-01'::date::timestamp AT TIME ZONE 'America/Los_Angeles') AS end_
            """))
        #expect(try row.decode(Date.self, "start") == tokyo.start)
        #expect(try row.decode(Date.self, "end_") == angeles.end)
        #expect(StatementMonth("2026-3") == nil)
        #expect(StatementMonth("2026-00") == nil)
        #expect(StatementMonth("２０２６-03") == nil)
    }

    /// A fresh key of the tenant (its secret), made the way the admin API makes them.
    static func tenantKey(_ pool: PostgresPool, _ tenantID: UUID) async throws -> String {
        try #require(try await APIKeyStore(pool: pool).create(tenantID: tenantID, APIKeySettings(name: "reader"), actor: "test")).secret
    }

    @Test func tenantUsageShowsOnlyTheCallersOwnTasks() async throws {
        let pool = try await Fixtures.pool()
        let day = Fixtures.uniqueDay()
        let mine = try await Fixtures.tenant(pool, keyName: "mine")
        let theirs = try await Fixtures.tenant(pool, keyName: "theirs")
        try await Fixtures.endedTask(pool, mine, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: day.addingTimeInterval(60))
        try await Fixtures.endedTask(pool, mine, Fixtures.image3, Fixtures.succeeded(84_000, images: 3), endedAt: day.addingTimeInterval(120))
        try await Fixtures.endedTask(pool, theirs, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: day.addingTimeInterval(90))
        let secret = try await Self.tenantKey(pool, mine.tenantID)
        try await Self.withGateway(pool) { client in
            let from = RFC3339.format(day), to = RFC3339.format(day.addingTimeInterval(86_400))
            let reply = try await Self.get(client, "/v1/usage?from=\(from)&to=\(to)&group_by=key,model", token: secret)
            #expect(reply.status == .ok, "\(reply.text)")
            let data = try #require(reply.json["data"])
            #expect(data["totals"]?["charged_micros"] == 644_000)
            #expect(data["totals"]?["tasks"] == 2)
            let rows = try #require(data["rows"]?.arrayValue)
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0["key_id"]?.stringValue == mine.keyID.uuidString.lowercased() })
            #expect(!reply.text.contains(theirs.keyID.uuidString.lowercased()))
            #expect(!reply.text.contains(theirs.tenantID.uuidString.lowercased()))

            let bad = try await Self.get(client, "/v1/usage?from=\(from)&to=\(to)&group_by=tenant", token: secret)
            #expect(bad.status == .badRequest)
            #expect(bad.json["code"] == 1200)
            #expect(try await Self.get(client, "/v1/usage?from=\(from)&to=\(to)&tenant_id=\(theirs.tenantID)", token: secret).json["code"] == 1200)
        }
    }
}
