import Accounting
import Foundation
import Gateway
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// Nothing accepted is dropped in silence: a refused callback_url is refused at once (422), and a
/// delivery given up on is listed, counted in /metrics, and can be retried.
@Suite struct DeliveryVisibilityTests {
    static let adminToken = "omt_delivery_" + UUID().uuidString.lowercased()

    @Test func aCallbackURLTheSenderWouldRefuseIsRefusedAtWrite() async throws {
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken])
        try await harness.withClient { client in
            for url in ["http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]/x", "http://10.0.0.1/x", "http://169.254.169.254/latest",
                        "http://[::ffff:127.0.0.1]/x", "http://[64:ff9b::7f00:1]/x", "ftp://example.com/x"] {
                let create = try await client.call(.post, "/admin/v1/tenants", key: Self.adminToken, body: #"{"name":"t","callback_url":"\#(url)"}"#)
                #expect(create.status == 422, "\(url): \(create.json)")
                #expect(create.json["error"]?["code"]?.stringValue == "invalid")
            }
            let made = try await client.call(.post, "/admin/v1/tenants", key: Self.adminToken, body: #"{"name":"t"}"#)
            let id = try #require(made.json["id"]?.stringValue)
            let patch = try await client.call(.patch, "/admin/v1/tenants/\(id)", key: Self.adminToken, body: #"{"callback_url":"http://127.0.0.1:8080/hook"}"#)
            #expect(patch.status == 422)
            let read = try await client.call(.get, "/admin/v1/tenants/\(id)", key: Self.adminToken)
            #expect(read.json["callback_url"] == .null)
            let publicURL = try await client.call(.patch, "/admin/v1/tenants/\(id)", key: Self.adminToken, body: #"{"callback_url":"https://93.184.216.34/hook"}"#)
            #expect(publicURL.status == 200)
        }
        await harness.stop()
        let allowing = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken, "OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"])
        try await allowing.withClient { client in
            let create = try await client.call(.post, "/admin/v1/tenants", key: Self.adminToken, body: #"{"name":"t","callback_url":"http://127.0.0.1:9/x"}"#)
            #expect(create.status == 201)
        }
        await allowing.stop()
    }

    @Test func aGivenUpDeliveryIsListedCountedAndCanBeRetried() async throws {
        GatewayMetrics.bootstrap()
        let refusing = ScriptedReceiver(.status(500))
        let url = try await refusing.start() + "/hook"
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken, "OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1",
                                                           "OMNIMETER_DELIVERY_MAX_ATTEMPTS": "2"])
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let ids = try await OutboxFixture.enqueue(harness.pool, tenantID: tenant.tenantID, keyID: tenant.keyID, url: url)
        let delivery = harness.gateway.makeCallbackDelivery()
        await delivery.deliverOnce()
        #expect(try await !OutboxFixture.row(harness.pool, ids[0]).gaveUp, "one failure of two allowed")
        try await harness.pool.execute("UPDATE callback_outbox SET next_attempt_at = now() WHERE id = \(ids[0])")
        await delivery.deliverOnce()
        let row = try await OutboxFixture.row(harness.pool, ids[0])
        #expect(row.gaveUp && row.attempts == 2 && row.lastStatus == 500)
        try await harness.withClient { client in
            let finance = try await client.call(.post, "/admin/v1/tokens", key: Self.adminToken, body: #"{"name":"f","role":"finance"}"#)
            let financeToken = try #require(finance.json["token"]?.stringValue)
            let list = try await client.call(.get, "/admin/v1/tenants/\(tenant.tenantID.uuidString.lowercased())/deliveries", key: financeToken)
            #expect(list.status == 200)
            let item = try #require(list.json["data"]?.arrayValue?.first)
            #expect(item["id"]?.stringValue == String(ids[0]))
            #expect(item["kind"]?.stringValue == "callback")
            #expect(item["url"]?.stringValue == url)
            #expect(item["state"]?.stringValue == "given_up")
            #expect(item["attempts"]?.int64Value == 2)
            #expect(item["last_status"]?.int64Value == 500)
            #expect(item["last_error"]?.stringValue == "HTTP 500")
            #expect(item["next_attempt_at"] == .null)
            #expect(item["delivered_at"] == .null)
            #expect(try #require(await Self.metricsText(client)).contains(#"omnimeter_callback_deliveries_total{outcome="given_up"}"#))
            // finance reads but may not retry; admin retries: due now, pending
            #expect(try await client.call(.post, "/admin/v1/deliveries/\(ids[0])/retry", key: financeToken).status == 403)
            let retried = try await client.call(.post, "/admin/v1/deliveries/\(ids[0])/retry", key: Self.adminToken)
            #expect(retried.status == 202)
            let pending = try await client.call(.get, "/admin/v1/tenants/\(tenant.tenantID.uuidString.lowercased())/deliveries", key: Self.adminToken)
            #expect(pending.json["data"]?.arrayValue?.first?["state"]?.stringValue == "pending")
            #expect(try await client.call(.post, "/admin/v1/deliveries/999999999/retry", key: Self.adminToken).status == 404)
            try await harness.pool.execute("UPDATE callback_outbox SET delivered_at = now(), gave_up_at = NULL WHERE id = \(ids[0])")
            #expect(try await client.call(.post, "/admin/v1/deliveries/\(ids[0])/retry", key: Self.adminToken).status == 409)
            #expect(try await client.call(.get, "/admin/v1/tenants/\(UUID().uuidString)/deliveries", key: Self.adminToken).status == 404)
        }
        await refusing.stop()
        await harness.stop()
    }

    static func metricsText(_ client: any TestClientProtocol) async throws -> String? {
        try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
    }
}
