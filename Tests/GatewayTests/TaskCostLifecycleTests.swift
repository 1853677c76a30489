import Accounting
import Foundation
import Hummingbird
import HummingbirdTesting
import Kling
import Pricing
import Testing

/// A task through the gateway and the simulator records its channel and cost at settlement, and the
/// margin report shows what the tenant paid against what the upstream costs.
@Suite struct TaskCostLifecycleTests {
    @Test func anEditSettledAt8SecondsCostsTheListPriceWhileTheTenantPaysItsCard() async throws {
        let token = "omt_cost_\(UUID().uuidString.prefix(8))"
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": token])
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        _ = try #require(try await RateCardStore(pool: harness.pool).put(tenantID: tenant.tenantID, PriceAdjustment(multiplier: "0.8"), actor: "test"))
        try await harness.withClient { client in
            // the input is 7.5 s long: billed as 8 s
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: """
                {"prompt":"x","mode":"std","video_list":[{"video_url":"https://x/in.mp4?duration=7.5","refer_type":"base"}]}
                """)
            #expect(created.status == 200)
        }
        try await harness.settleAll(tenantID: tenant.tenantID)
        let taskID = try #require(try await harness.pool.queryFirst("SELECT id FROM tasks WHERE tenant_id = \(tenant.tenantID)"))
            .decode(UUID.self, "id").uuidString.lowercased()
        try await harness.withClient { client in
            let task = try await client.call(.get, "/admin/v1/tasks/\(taskID)", key: token)
            #expect(task.status == 200)
            #expect(task.json["billable_seconds"] == 8)
            #expect(task.json["charged_micros"] == 806_400)      // 8 × 67,200 × 1.5
            #expect(task.json["cost_micros"] == 1_008_000)       // 8 × 84,000 × 1.5: the built-in channel costs the list price
            #expect(task.json["channel_id"]?.stringValue == "default")
            let listed = try await client.call(.get, "/admin/v1/tasks?tenant_id=\(tenant.tenantID.uuidString.lowercased())", key: token)
            #expect(listed.json["data"]?.arrayValue?.first?["cost_micros"] == 1_008_000)

            let report = try await client.call(.get, "/admin/v1/reports/margin?from=2000-01-01&to=2200-01-01&group_by=channel,model", key: token)
            #expect(report.status == 200)
            let group = try #require(report.json["groups"]?.arrayValue?.first)
            #expect(report.json["groups"]?.arrayValue?.count == 1)
            #expect(group["channel_id"]?.stringValue == "default")
            #expect(group["model"]?.stringValue == "kling-video-o1")
            #expect(group["revenue_micros"] == 806_400)
            #expect(group["cost_micros"] == 1_008_000)
            #expect(group["margin_micros"] == -201_600)
            #expect(report.json["totals"]?["margin_micros"] == -201_600)
        }
        let reconcile = try await Reconciliation(pool: harness.pool).run()
        #expect(reconcile.ok, "\(reconcile.checks.filter { !$0.ok }.map(\.name))")
        await harness.stop()
    }
}
