import Accounting
import Foundation
import Gateway
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// Tenant callbacks cannot be turned against the operator's network (redirects, DNS rebinding, private
/// address forms), one tenant's dead receiver cannot stall another's, and nothing is dropped in silence.
@Suite struct CallbackSafetyTests {
    @Test func aRedirectIsAFailedAttemptAndItsTargetReceivesNothing() async throws {
        let inner = ScriptedReceiver(.status(200))
        let internalURL = try await inner.start()
        let redirecting = ScriptedReceiver(.redirect(to: "\(internalURL)/internal"))
        let url = try await redirecting.start() + "/callback"
        let harness = try await Harness.make(environment: ["OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"])
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let ids = try await OutboxFixture.enqueue(harness.pool, tenantID: tenant.tenantID, keyID: tenant.keyID, url: url)
        await harness.gateway.makeCallbackDelivery().deliverOnce()
        #expect(await redirecting.hits.count == 1)
        #expect(await inner.hits.isEmpty, "the redirect was followed")
        let row = try await OutboxFixture.row(harness.pool, ids[0])
        #expect(!row.delivered)
        #expect(row.lastStatus == 307)
        #expect(row.lastError?.contains("redirect") == true)
        await inner.stop()
        await redirecting.stop()
        await harness.stop()
    }

    @Test func theNameIsResolvedOnceAndTheCheckedAddressIsTheOneConnectedTo() async throws {
        let receiver = ScriptedReceiver(.status(204))
        _ = try await receiver.start()
        let port = await receiver.port
        // first answer loopback (allowed here), any later answer an address nobody listens on
        let script = ScriptedResolver([["127.0.0.1"], ["192.0.2.1"]])
        let resolver = CallbackResolver { _ in script.next().compactMap(IPAddress.init) }
        let harness = try await Harness.make(environment: ["OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"])
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let ids = try await OutboxFixture.enqueue(harness.pool, tenantID: tenant.tenantID, keyID: tenant.keyID,
                                                  url: "http://receiver.rebind.test:\(port)/hook")
        await harness.gateway.makeCallbackDelivery(resolver: resolver, attemptTimeout: .seconds(3)).deliverOnce()
        #expect(script.callCount == 1)
        let hits = await receiver.hits
        #expect(hits.count == 1)
        #expect(hits.first?.host == "receiver.rebind.test:\(port)", "the Host header keeps the name")
        #expect(try await OutboxFixture.row(harness.pool, ids[0]).delivered)
        await receiver.stop()
        await harness.stop()
    }

    @Test func aNameThatAnswersPublicThenLoopbackNeverReachesLoopback() async throws {
        let receiver = ScriptedReceiver(.status(200))
        _ = try await receiver.start()
        let port = await receiver.port
        let script = ScriptedResolver([["192.0.2.10"], ["127.0.0.1"]])
        let resolver = CallbackResolver { _ in script.next().compactMap(IPAddress.init) }
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let ids = try await OutboxFixture.enqueue(harness.pool, tenantID: tenant.tenantID, keyID: tenant.keyID,
                                                  url: "http://rebind.test:\(port)/hook")
        await harness.gateway.makeCallbackDelivery(resolver: resolver, attemptTimeout: .seconds(2)).deliverOnce()
        #expect(script.callCount == 1, "one lookup per attempt")
        #expect(await receiver.hits.isEmpty)
        #expect(try await !OutboxFixture.row(harness.pool, ids[0]).delivered)
        await receiver.stop()
        await harness.stop()
    }

    @Test func everyResolvedAddressIsCheckedAndAPrivateOneRefusesTheTarget() async throws {
        let receiver = ScriptedReceiver(.status(200))
        _ = try await receiver.start()
        let port = await receiver.port
        let resolver = CallbackResolver { _ in ["93.184.216.34", "::ffff:127.0.0.1"].compactMap(IPAddress.init) }
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let ids = try await OutboxFixture.enqueue(harness.pool, tenantID: tenant.tenantID, keyID: tenant.keyID,
                                                  url: "http://mixed.test:\(port)/hook")
        await harness.gateway.makeCallbackDelivery(resolver: resolver).deliverOnce()
        #expect(await receiver.hits.isEmpty)
        let row = try await OutboxFixture.row(harness.pool, ids[0])
        #expect(row.gaveUp)
        #expect(row.lastError?.hasPrefix("refused") == true)
        await receiver.stop()
        await harness.stop()
    }

    @Test func everyFormOfAPrivateAddressIsPrivate() {
        let privateForms = ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                            "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::5db8:d822", "2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::",
                            "fd00::1", "fe80::1", "ff02::1", "100.64.0.1", "0.0.0.0", "192.168.1.1", "172.16.0.1"]
        for text in privateForms { #expect(IPAddress(text)?.isPrivate == true, "\(text)") }
        let publicForms = ["93.184.216.34", "2606:4700::1", "64:ff9b::5db8:d822", "2002:5db8:d822::1", "::ffff:93.184.216.34", "8.8.8.8"]
        for text in publicForms { #expect(IPAddress(text)?.isPrivate == false, "\(text)") }
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("10.0.0.1")?.description == "10.0.0.1")
    }

    @Test func webhookIDsAreRandomNeverTheSequence() async throws {
        let receiver = ScriptedReceiver(.status(200))
        let url = try await receiver.start() + "/hook"
        let harness = try await Harness.make(environment: ["OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"])
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let ids = try await OutboxFixture.enqueue(harness.pool, tenantID: tenant.tenantID, keyID: tenant.keyID, url: url, count: 3)
        let delivery = harness.gateway.makeCallbackDelivery()
        for _ in 0..<3 { await delivery.deliverOnce() }  // at most 2 at once to one target
        let webhookIDs = await receiver.hits.compactMap(\.webhookID)
        #expect(webhookIDs.count == 3)
        #expect(Set(webhookIDs).count == 3)
        for id in webhookIDs {
            #expect(id.hasPrefix("msg_") && id.count == 68, "\(id)")
            #expect(!ids.contains { "msg_\($0)" == id })
        }
        await receiver.stop()
        await harness.stop()
    }

    @Test func oneTenantsTarpitDoesNotHoldBackAnotherTenantsCallback() async throws {
        let tarpit = ScriptedReceiver(.tarpit)
        let tarpitURL = try await tarpit.start() + "/slow"
        let good = ScriptedReceiver(.status(200))
        let goodURL = try await good.start() + "/fast"
        let harness = try await Harness.make(environment: ["OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "1"])
        let slowTenant = try await Database.tenant(harness.pool, credits: 0)
        let fastTenant = try await Database.tenant(harness.pool, credits: 0)
        // 40 callbacks of one tenant to a receiver that never answers, queued first
        try await OutboxFixture.enqueue(harness.pool, tenantID: slowTenant.tenantID, keyID: slowTenant.keyID, url: tarpitURL, count: 40)
        let fast = try await OutboxFixture.enqueue(harness.pool, tenantID: fastTenant.tenantID, keyID: fastTenant.keyID, url: goodURL)
        let service = harness.gateway.makeCallbackDelivery()
        let running = Task { try await service.run() }
        // well within one delivery timeout (10 s): the tarpit has answered nothing yet
        var delivered = false
        for _ in 0..<160 where !delivered {
            delivered = try await OutboxFixture.row(harness.pool, fast[0]).delivered
            if !delivered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(delivered, "the other tenant's callback waited behind the tarpit")
        let tarpitHits = await tarpit.hits.count
        #expect(tarpitHits >= 1 && tarpitHits <= 4, "per-tenant concurrency: \(tarpitHits) in flight")
        running.cancel()
        await tarpit.release()
        _ = await running.result
        await tarpit.stop()
        await good.stop()
        await harness.stop()
    }
}
