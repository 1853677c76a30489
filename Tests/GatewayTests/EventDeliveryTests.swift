import Accounting
import Foundation
import Gateway
import HummingbirdTesting
import Kling
import Testing

/// Events reach the tenant's events_url and operator endpoints, signed per Standard Webhooks (checked
/// by the PyPI `standardwebhooks` package), with secret rotation, retries and manual retry.
@Suite struct EventDeliveryTests {
    static let adminToken = "omt_events_" + UUID().uuidString.lowercased()
    static let environment = ["OMNIMETER_ADMIN_TOKEN": adminToken, "OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"]

    /// Delivers until `done` holds for what the receivers accepted (or 100 rounds passed).
    static func deliver(_ harness: Harness, until done: @Sendable () async -> Bool) async throws {
        let delivery = harness.gateway.makeCallbackDelivery()
        for _ in 0..<100 {
            await delivery.deliverOnce()
            if await done() { return }
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    /// The task status of the last task.updated event a receiver accepted.
    static func lastStatus(_ receiver: CallbackReceiver) async -> String? {
        await events(receiver, "task.updated").last?.json["data"]?["task_status"]?.stringValue
    }

    static func events(_ receiver: CallbackReceiver, _ type: String) async -> [CallbackReceiver.Delivery] {
        await receiver.deliveries.filter { $0.accepted && $0.json["type"]?.stringValue == type }
    }

    @Test func taskEventsReachTheTenantAndAnOperatorEndpointSignedWithTheirOwnSecrets() async throws {
        let tenantReceiver = CallbackReceiver()
        let operatorReceiver = CallbackReceiver()
        let tenantURL = try await tenantReceiver.start()
        let operatorURL = try await operatorReceiver.start()
        let harness = try await Harness.make(environment: Self.environment)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let tenantPath = "/admin/v1/tenants/\(tenant.tenantID.uuidString.lowercased())"
        let endpointSecret = Box()
        try await harness.withClient { client in
            let endpoint = try await client.call(.post, "/admin/v1/webhook-endpoints", key: Self.adminToken,
                                                 body: #"{"url":"\#(operatorURL)","events":["task.updated"]}"#)
            #expect(endpoint.status == 201)
            await endpointSecret.set(try #require(endpoint.json["secret"]?.stringValue))
            let patched = try await client.call(.patch, tenantPath, key: Self.adminToken, body: #"{"events_url":"\#(tenantURL)"}"#)
            #expect(patched.json["events_url"]?.stringValue == tenantURL)
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
            #expect(created.status == 200)
        }
        let secret = try #require(await endpointSecret.value)
        #expect(secret.hasPrefix("whsec_"))
        try await harness.settleAll(tenantID: tenant.tenantID)
        try await Self.deliver(harness) {
            let tenantDone = await Self.lastStatus(tenantReceiver) == "succeed"
            let operatorDone = await Self.lastStatus(operatorReceiver) == "succeed"
            return tenantDone && operatorDone
        }
        let toTenant = await Self.events(tenantReceiver, "task.updated")
        let toOperator = await Self.events(operatorReceiver, "task.updated")
        let statuses = toTenant.map { $0.json["data"]?["task_status"]?.stringValue ?? "?" }
        #expect(statuses.first == "submitted" && statuses.last == "succeed", "\(statuses)")
        #expect(toOperator.map { $0.json["data"]?["task_status"]?.stringValue ?? "?" } == statuses)
        let last = try #require(toTenant.last?.json)
        #expect(last["data"]?["tenant_id"]?.stringValue == tenant.tenantID.uuidString.lowercased())
        #expect(last["data"]?["billing"]?["charged_micros"]?.int64Value == 560_000)
        #expect(RFC3339.parse(last["timestamp"]?.stringValue ?? "") != nil)
        // a random id per delivery, never a sequence
        let ids = (toTenant + toOperator).compactMap(\.webhookID)
        #expect(Set(ids).count == ids.count && ids.allSatisfy { $0.hasPrefix("msg_") && $0.count > 30 })

        let tenantSecret = try #require(try await TenantStore(pool: harness.pool).webhookSecret(tenant.tenantID))
        var cases = try WebhookVerifier.cases(toTenant, secret: tenantSecret) + WebhookVerifier.cases(toOperator, secret: secret)
        cases += try WebhookVerifier.cases(toOperator, secret: tenantSecret, expect: "invalid")  // each target has its own
        let verified = try WebhookVerifier.run(cases)
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("verified \(cases.count) deliveries, 0 disagreed"), "\(verified.output)")

        // the deliveries listing shows the tenant's events as kind event (the operator's are listed with the events)
        try await harness.withClient { client in
            let list = try await client.call(.get, tenantPath + "/deliveries", key: Self.adminToken)
            let kinds = list.json["data"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
            #expect(kinds.filter { $0 == "event" }.count == toTenant.count && !kinds.contains("callback"), "\(kinds)")
            let events = try await client.call(.get, "/admin/v1/events?tenant_id=\(tenant.tenantID.uuidString.lowercased())&type=task.updated",
                                               key: Self.adminToken)
            let items = events.json["data"]?.arrayValue ?? []
            #expect(items.count == toTenant.count)
            for item in items {
                let targets = item["deliveries"]?.arrayValue ?? []
                #expect(Set(targets.compactMap { $0["target"]?.stringValue }) == ["tenant", "endpoint"])
                #expect(targets.allSatisfy { $0["state"]?.stringValue == "delivered" })
            }
        }
        await tenantReceiver.stop()
        await operatorReceiver.stop()
        await harness.stop()
    }

    @Test func aRotatedSecretSignsBesideTheOldOneForCallbacksAndEvents() async throws {
        let receiver = CallbackReceiver()
        let callbackReceiver = CallbackReceiver()
        let url = try await receiver.start()
        let callbackURL = try await callbackReceiver.start()
        let harness = try await Harness.make(environment: Self.environment)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000, callbackURL: callbackURL)
        let tenantPath = "/admin/v1/tenants/\(tenant.tenantID.uuidString.lowercased())"
        let old = try #require(try await TenantStore(pool: harness.pool).webhookSecret(tenant.tenantID))
        let rotated = Box()
        try await harness.withClient { client in
            #expect(try await client.call(.patch, tenantPath, key: Self.adminToken, body: #"{"events_url":"\#(url)"}"#).status == 200)
            let finance = try await client.call(.post, "/admin/v1/tokens", key: Self.adminToken, body: #"{"name":"f","role":"finance"}"#)
            #expect(try await client.call(.post, tenantPath + "/webhook-secret", key: try #require(finance.json["token"]?.stringValue)).status == 403)
            let rotation = try await client.call(.post, tenantPath + "/webhook-secret", key: Self.adminToken)
            #expect(rotation.status == 200)
            await rotated.set(try #require(rotation.json["webhook_secret"]?.stringValue))
            #expect(try await client.call(.post, "/admin/v1/tenants/\(UUID().uuidString)/webhook-secret", key: Self.adminToken).status == 404)
            let audit = try await client.text("/admin/v1/audit?resource_id=\(tenant.tenantID.uuidString.lowercased())", key: Self.adminToken)
            #expect(audit.contains("tenant.webhook_secret.rotate") && !audit.contains(old))
            #expect(!audit.contains(try #require(await rotated.value)))
            #expect(try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s).status == 200)
        }
        let new = try #require(await rotated.value)
        #expect(new != old && new.hasPrefix("whsec_"))
        #expect(try await TenantStore(pool: harness.pool).webhookSecret(tenant.tenantID) == new)
        try await harness.settleAll(tenantID: tenant.tenantID)
        try await Self.deliver(harness) {
            let eventsDone = await Self.lastStatus(receiver) == "succeed"
            let callbacksDone = await callbackReceiver.deliveries.filter(\.accepted).last?.taskStatus == "succeed"
            return eventsDone && callbacksDone
        }
        let events = await Self.events(receiver, "task.updated")
        let callbacks = await callbackReceiver.deliveries.filter(\.accepted)
        let received = events + callbacks
        #expect(events.count >= 2 && callbacks.count == events.count)
        #expect(received.allSatisfy { ($0.signature ?? "").split(separator: " ").count == 2 && ($0.signature ?? "").hasPrefix("v1,") })
        let verified = try WebhookVerifier.run(try WebhookVerifier.cases(received, secret: new) + WebhookVerifier.cases(received, secret: old)
                                               + WebhookVerifier.cases(received, secret: WebhookSecret.generate(), expect: "invalid"))
        #expect(verified.status == 0, "\(verified.output)")
        // after 24 h the old one no longer signs
        try await harness.pool.execute("UPDATE tenants SET previous_webhook_secret_until = now() - interval '1 second' WHERE id = \(tenant.tenantID)")
        try await harness.withClient { client in
            _ = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
        }
        try await harness.settleAll(tenantID: tenant.tenantID)
        let before = events.count
        try await Self.deliver(harness) {
            let count = await Self.events(receiver, "task.updated").count
            let done = await Self.lastStatus(receiver) == "succeed"
            return count > before && done
        }
        let later = Array(await Self.events(receiver, "task.updated").dropFirst(events.count))
        #expect(later.count >= 2 && later.allSatisfy { !($0.signature ?? " ").contains(" ") })
        let single = try WebhookVerifier.run(try WebhookVerifier.cases(later, secret: new) + WebhookVerifier.cases(later, secret: old, expect: "invalid"))
        #expect(single.status == 0, "\(single.output)")
        await receiver.stop()
        await callbackReceiver.stop()
        await harness.stop()
    }

    @Test func aReceiverThatFailsIsRetriedGivenUpRetriedByHandAndLosesNothing() async throws {
        GatewayMetrics.bootstrap()
        let receiver = CallbackReceiver(refuseFirst: 2)
        let url = try await receiver.start()
        var environment = Self.environment
        environment["OMNIMETER_DELIVERY_MAX_ATTEMPTS"] = "2"
        let harness = try await Harness.make(environment: environment)
        let tenant = try await Database.tenant(harness.pool, credits: 1_000_000)
        let tenantPath = "/admin/v1/tenants/\(tenant.tenantID.uuidString.lowercased())"
        let delivery = harness.gateway.makeCallbackDelivery()
        try await harness.withClient { client in
            // a low balance limit above what is available: balance.low, once
            let patched = try await client.call(.patch, tenantPath, key: Self.adminToken,
                                                body: #"{"events_url":"\#(url)","low_balance_micros":2000000}"#)
            #expect(patched.status == 200 && patched.json["low_balance_micros"]?.int64Value == 2_000_000)
            await delivery.deliverOnce()  // 500: retried later
            var list = try await client.call(.get, tenantPath + "/deliveries", key: Self.adminToken)
            var item = try #require(list.json["data"]?.arrayValue?.first)
            #expect(item["kind"]?.stringValue == "event" && item["state"]?.stringValue == "pending" && item["last_status"]?.int64Value == 500)
            let id = try #require(item["id"]?.stringValue)
            try await harness.pool.execute("UPDATE callback_outbox SET next_attempt_at = now() WHERE id = \(Int64(id) ?? 0)")
            await delivery.deliverOnce()  // 500 again: given up after 2 attempts
            list = try await client.call(.get, tenantPath + "/deliveries", key: Self.adminToken)
            item = try #require(list.json["data"]?.arrayValue?.first)
            #expect(item["state"]?.stringValue == "given_up" && item["attempts"]?.int64Value == 2)
            let metrics = try #require(try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) })
            let givenUp = metrics.split(separator: "\n").filter { $0.hasPrefix("omnimeter_deliveries_total{") }
            #expect(givenUp.contains { $0.contains(#"kind="event""#) && $0.contains(#"outcome="given_up""#) }, "\(givenUp)")
            #expect(metrics.contains("omnimeter_delivery_backlog_age_seconds"))
            #expect(try await client.call(.post, "/admin/v1/deliveries/\(id)/retry", key: Self.adminToken).status == 202)
            await delivery.deliverOnce()  // 200
            list = try await client.call(.get, tenantPath + "/deliveries", key: Self.adminToken)
            item = try #require(list.json["data"]?.arrayValue?.first)
            #expect(item["state"]?.stringValue == "delivered" && item["last_status"]?.int64Value == 200)
            #expect(try await client.call(.post, "/admin/v1/deliveries/\(id)/retry", key: Self.adminToken).status == 409)
        }
        // three attempts of one delivery, one webhook-id; one event accepted, nothing lost, nothing doubled
        let all = await receiver.deliveries
        #expect(all.count == 3 && Set(all.compactMap(\.webhookID)).count == 1)
        #expect(all.filter(\.accepted).count == 1)
        let body = try #require(all.last?.json)
        #expect(body["type"]?.stringValue == "balance.low")
        #expect(body["data"]?["available_micros"]?.int64Value == 1_000_000 && body["data"]?["low_balance_micros"]?.int64Value == 2_000_000)
        await receiver.stop()
        await harness.stop()
    }
}

actor Box {
    var value: String?
    func set(_ text: String) { value = text }
}
