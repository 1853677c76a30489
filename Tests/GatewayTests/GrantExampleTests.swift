import Accounting
import Foundation
import Hummingbird
import HummingbirdTesting
import Kling
import Testing

/// The credit-grant example of docs/money.md, through the HTTP API end to end.
@Suite struct GrantExampleTests {
    @Test func twoGrantsFundTwoTasksRefuseAThirdAndAVoidLeavesNothing() async throws {
        let token = "omt_grants_\(UUID().uuidString.prefix(8))"
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": token])
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        let tenantPath = "/admin/v1/tenants/\(tenant.tenantID.uuidString.lowercased())"
        try await harness.withClient { client in
            let a = try await client.call(.post, "\(tenantPath)/grants", key: token, body: #"{"amount_micros":1000000,"name":"A","priority":1}"#)
            let b = try await client.call(.post, "\(tenantPath)/grants", key: token, body: #"{"amount_micros":500000,"name":"B","priority":2}"#)
            #expect(a.status == 201)
            #expect(a.json["status"] == "active")
            #expect(a.json["remaining_micros"] == 1_000_000)
            let bID = try #require(b.json["id"]?.stringValue)
            let aID = try #require(a.json["id"]?.stringValue)

            let body = #"{"prompt":"x","aspect_ratio":"1:1"}"#  // o1 pro 5 s: 560,000
            let first = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: body)
            let second = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: body)
            let third = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: body)
            #expect(first.status == 200 && second.status == 200)
            #expect(third.status == 429)
            #expect(third.code == 1102)
            let heldA = try await client.call(.get, "/admin/v1/grants/\(aID)", key: token)
            #expect(heldA.json["remaining_micros"] == 0)
            #expect(heldA.json["held_micros"] == 1_000_000)
            #expect(try await client.call(.get, "/admin/v1/grants/\(bID)", key: token).json["held_micros"] == 120_000)

            try await harness.settleAll(tenantID: tenant.tenantID)
            let endA = try await client.call(.get, "/admin/v1/grants/\(aID)", key: token)
            #expect(endA.json["remaining_micros"] == 0)
            #expect(endA.json["status"] == "exhausted")
            #expect(try await client.call(.get, "/admin/v1/grants/\(bID)", key: token).json["remaining_micros"] == 380_000)

            let voided = try await client.call(.post, "/admin/v1/grants/\(bID)/void", key: token)
            #expect(voided.status == 200)
            #expect(voided.json["status"] == "voided")
            let ledger = try await client.call(.get, "\(tenantPath)/ledger?kind=grant_void", key: token)
            #expect(ledger.json["data"]?.arrayValue?.map { $0["amount_micros"] } == [380_000])
            let read = try await client.call(.get, tenantPath, key: token)
            #expect(read.json["balance"]?["available_micros"] == 0)
            #expect(read.json["balance"]?["grants_micros"] == 0)
            #expect(read.json["balance"]?["charged_micros"] == 1_120_000)
            let listed = try await client.call(.get, "\(tenantPath)/grants", key: token)
            #expect(listed.json["data"]?.arrayValue?.map { $0["name"] } == ["A", "B"])
            let account = try await client.call(.get, "/v1/account", key: tenant.secret)
            #expect(account.json["data"]?["grants"]?.arrayValue?.count == 2)
            let reconcile = try await client.call(.get, "/admin/v1/reconcile", key: token)
            #expect(reconcile.json["ok"] == true, "\(reconcile.json)")
        }
        await harness.stop()
    }
}
