import Accounting
import Foundation
import Hummingbird
import HummingbirdTesting
import Kling
import Pricing
import Testing

/// A task keeps the rate-card version it was reserved with, beside the price-book version.
@Suite struct RateCardTaskTests {
    @Test func aTaskIsReservedAtTheTenantsCardAndKeepsItsVersion() async throws {
        let token = "omt_ratecard_\(UUID().uuidString.prefix(8))"
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": token])
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let card = try #require(try await RateCardStore(pool: harness.pool).put(tenantID: tenant.tenantID, PriceAdjustment(multiplier: "0.8"), actor: "test"))
        #expect(card.version == 1)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret,
                                                body: #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1"}"#)
            #expect(created.status == 200)
            #expect(created.billing("reserved_micros") == 336_000)
            let listed = try await client.call(.get, "/admin/v1/tasks?tenant_id=\(tenant.tenantID.uuidString.lowercased())", key: token)
            let task = try #require(listed.json["data"]?.arrayValue?.first)
            #expect(task["reserved_micros"] == 336_000)
            #expect(task["price_version"] == 1)
            #expect(task["pricing_version"] == 1)
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID).reserved == 336_000)
        await harness.stop()
    }

    @Test func aTaskSettlesAtTheCardItWasReservedWithEvenAfterTheCardChanges() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let cards = RateCardStore(pool: harness.pool)
        _ = try #require(try await cards.put(tenantID: tenant.tenantID, PriceAdjustment(multiplier: "0.8"), actor: "test"))
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret,
                                                body: #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1"}"#)
            #expect(created.status == 200)
            #expect(created.billing("reserved_micros") == 336_000)
        }
        // a cheaper card after the reservation changes nothing for this task
        _ = try #require(try await cards.put(tenantID: tenant.tenantID, PriceAdjustment(multiplier: "0.5"), actor: "test"))
        try await harness.settleAll(tenantID: tenant.tenantID)
        let taskID = try #require(try await harness.pool.queryFirst("SELECT id FROM tasks WHERE tenant_id = \(tenant.tenantID)")).decode(UUID.self, "id")
        #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID.uuidString) == ["reserve": 336_000, "charge": 336_000])
        let balance = try await Database.balance(harness.pool, tenant.tenantID)
        #expect(balance.charged == 336_000)
        #expect(balance.reserved == 0)
        await harness.stop()
    }
}
