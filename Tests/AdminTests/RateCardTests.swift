import Foundation
import Gateway
import Hummingbird
import Kling
import Testing

/// `GET/PUT/DELETE /admin/v1/tenants/{id}/pricing` and the estimates that follow it, to the micro.
@Suite struct RateCardTests {
    static let o1Std5 = #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1"}"#
    static let o1Std5WithVideo = #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1","video_list":[{"video_url":"https://example.com/v.mp4","refer_type":"feature"}]}"#
    static let o1Pro5 = #"{"prompt":"x","mode":"pro","duration":5,"aspect_ratio":"1:1"}"#

    func estimate(_ client: TestGateway.Client, _ key: String, _ body: String) async throws -> JSONValue {
        let reply = try await client.send(.post, "/v1/estimate/videos/omni-video", token: key, raw: body)
        try #require(reply.status == .ok, "estimate: \(reply.text)")
        return try #require(reply["data"])
    }

    @Test func aTenantWithNoCardAnswersVersion0AndMultiplier1() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let reply = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")
            #expect(reply.status == .ok)
            #expect(reply["tenant_id"]?.stringValue == tenantID)
            #expect(reply["version"] == 0)
            #expect(reply["multiplier"] == "1")
            #expect(reply["video"] == [])
            #expect(reply["image"] == [])
            let key = try await client.makeKey(tenantID: tenantID)
            let data = try await estimate(client, key.secret, Self.o1Std5)
            #expect(data["reserve_micros"] == 420_000)
            #expect(data["unit_micros"] == 84_000)
            #expect(data["pricing_version"] == 0)
        }
    }

    @Test func multiplierPoint8PricesTheContractExample() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            let put = try await client.admin(.put, "/admin/v1/tenants/\(tenantID)/pricing", json: ["multiplier": "0.8"])
            #expect(put.status == .ok, "\(put.text)")
            #expect(put["version"] == 1)
            #expect(put["multiplier"] == "0.8")
            #expect(put["created_at"]?.stringValue != nil)

            let plain = try await estimate(client, key.secret, Self.o1Std5)
            #expect(plain["unit_micros"] == 67_200)
            #expect(plain["reserve_micros"] == 336_000)
            #expect(plain["pricing_version"] == 1)
            #expect(try await estimate(client, key.secret, Self.o1Std5WithVideo)["reserve_micros"] == 504_000)

            // another tenant is not touched
            let other = try await client.makeKey(tenantID: try await client.makeTenant())
            #expect(try await estimate(client, other.secret, Self.o1Std5)["reserve_micros"] == 420_000)
        }
    }

    @Test func sevenDecimalMultiplierRoundsTheUnitHalfUp() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            let put = try await client.admin(.put, "/admin/v1/tenants/\(tenantID)/pricing", json: ["multiplier": "0.3333333"])
            #expect(put.status == .ok, "\(put.text)")
            let data = try await estimate(client, key.secret, Self.o1Std5)
            #expect(data["unit_micros"] == 28_000)
            #expect(data["reserve_micros"] == 140_000)
        }
    }

    @Test func anOverrideRowPricesFiveProSecondsAt500000WhateverTheMultiplier() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            let row: JSONValue = ["model": "kling-video-o1", "mode": "pro", "sound": "off", "micros_per_second": 100_000]
            let put = try await client.admin(.put, "/admin/v1/tenants/\(tenantID)/pricing", json: ["multiplier": "0.8", "video": [row]])
            #expect(put.status == .ok, "\(put.text)")
            #expect(put["video"] == [row])
            #expect(try await estimate(client, key.secret, Self.o1Pro5)["reserve_micros"] == 500_000)
            #expect(try await estimate(client, key.secret, Self.o1Std5)["reserve_micros"] == 336_000)
        }
    }

    @Test func deleteReturnsTheTenantToTheBookAsANewVersion() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            _ = try await client.admin(.put, "/admin/v1/tenants/\(tenantID)/pricing", json: ["multiplier": "0.8"])
            let deleted = try await client.admin(.delete, "/admin/v1/tenants/\(tenantID)/pricing")
            #expect(deleted.status == .ok)
            #expect(deleted["version"] == 2)
            #expect(deleted["multiplier"] == "1")
            #expect(deleted["video"] == [])
            let current = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")
            #expect(current["version"] == 2)
            let data = try await estimate(client, key.secret, Self.o1Std5)
            #expect(data["reserve_micros"] == 420_000)
            #expect(data["pricing_version"] == 2)
        }
    }

    @Test(arguments: [JSONValue.string("0"), "-0.5", "0.12345678", "abc", "", .int(1), .double(0.8), .bool(true)])
    func aBadMultiplierIs422AndStoresNothing(_ multiplier: JSONValue) async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let reply = try await client.admin(.put, "/admin/v1/tenants/\(tenantID)/pricing", json: ["multiplier": multiplier])
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(reply.errorCode == "invalid")
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/pricing")["version"] == 0)
        }
    }

    @Test func anUnknownTenantIs404AndFinanceCannotWrite() async throws {
        try await TestGateway().run { client in
            let missing = UUID().uuidString.lowercased()
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(missing)/pricing").status == .notFound)
            #expect(try await client.admin(.put, "/admin/v1/tenants/\(missing)/pricing", json: ["multiplier": "2"]).status == .notFound)
            let tenantID = try await client.makeTenant()
            let finance = try await client.makeToken("finance")
            #expect(try await client.send(.get, "/admin/v1/tenants/\(tenantID)/pricing", token: finance.secret).status == .ok)
            #expect(try await client.send(.put, "/admin/v1/tenants/\(tenantID)/pricing", token: finance.secret, json: ["multiplier": "2"]).status == .forbidden)
        }
    }
}
