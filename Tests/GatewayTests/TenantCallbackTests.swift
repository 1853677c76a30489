import Accounting
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Kling
import Testing

@Suite struct TenantCallbackTests {
    @Test func everyStatusChangeReachesTheTenantSignedAndInOrder() async throws {
        let receiver = CallbackReceiver()
        let url = try await receiver.start()
        let harness = try await Harness.make(environment: ["OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"])
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let delivery = harness.gateway.makeCallbackDelivery()
        let ids = IDs()
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret,
                                                body: #"{"prompt":"a fox","aspect_ratio":"16:9","callback_url":"\#(url)"}"#)
            await ids.add(try #require(created.taskID))
        }
        let taskID = try #require(await ids.values.first)
        try await harness.settleAll(tenantID: tenant.tenantID)
        var received: [CallbackReceiver.Delivery] = []
        for _ in 0..<100 {
            await delivery.deliverOnce()
            received = await receiver.deliveries.filter(\.accepted)
            if received.last?.taskStatus == "succeed" { break }
            try await Task.sleep(for: .milliseconds(30))
        }
        let statuses = received.map { $0.taskStatus ?? "?" }
        #expect(statuses.first == "submitted")
        #expect(statuses.last == "succeed")
        #expect(statuses == statuses.sorted { order($0) < order($1) }, "in order: \(statuses)")
        #expect(received.allSatisfy { $0.json["task_id"]?.stringValue == taskID })
        #expect(received.last?.json["billing"]?["charged_micros"]?.int64Value == 560_000)
        // each one signed with the tenant's secret, per Standard Webhooks
        let secret = try #require(try await TenantStore(pool: harness.pool).webhookSecret(tenant.tenantID))
        let key = SymmetricKey(data: try #require(Data(base64Encoded: String(secret.dropFirst("whsec_".count)))))
        for callback in received {
            let id = try #require(callback.webhookID)
            let timestamp = try #require(callback.timestamp)
            var message = Data("\(id).\(timestamp).".utf8)
            message.append(callback.body)
            let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
            #expect(callback.signature == expected)
        }
        await receiver.stop()
        await harness.stop()
    }

    @Test func aPrivateCallbackTargetIsNeverCalledUnlessAllowed() async throws {
        let receiver = CallbackReceiver()
        let url = try await receiver.start()
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000, callbackURL: url)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
            #expect(created.status == 200)
        }
        try await harness.settleAll(tenantID: tenant.tenantID)
        let delivery = harness.gateway.makeCallbackDelivery()
        for _ in 0..<5 { await delivery.deliverOnce() }
        #expect(await receiver.deliveries.isEmpty)
        let refused = try #require(try await harness.pool.queryFirst("""
            SELECT count(*) FILTER (WHERE gave_up_at IS NOT NULL) AS refused, count(*) AS total FROM callback_outbox WHERE tenant_id = \(tenant.tenantID)
            """))
        #expect(try refused.decode(Int64.self, "total") > 0)
        #expect(try refused.decode(Int64.self, "refused") == refused.decode(Int64.self, "total"))
        await receiver.stop()
        await harness.stop()
    }

    func order(_ status: String) -> Int {
        ["submitted": 0, "processing": 1, "succeed": 2, "failed": 2][status] ?? 9
    }
}
