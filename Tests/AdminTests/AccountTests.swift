import Foundation
import Gateway
import Hummingbird
import Kling
import Testing

/// `GET /v1/account` and how key revocation, expiry and tenant suspension reach the tenant API.
@Suite struct AccountTests {
    @Test func aKeySeesItsTenantAndItsOwnLimits() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant(["name": "acme", "credit_limit_micros": 5_000_000, "monthly_budget_micros": 9_000_000, "rpm_limit": 30])
            let key = try await client.makeKey(tenantID: tenantID, ["name": "ci", "budget_micros": 2_000_000, "budget_period": "month",
                                                                    "allowed_models": ["kling-v3-omni"], "max_concurrent_tasks": 2])
            _ = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: ["amount_micros": 12_000_000, "reason": "top-up"])

            let reply = try await client.send(.get, "/v1/account", token: key.secret)
            #expect(reply.status == .ok)
            #expect(reply["code"] == 0)
            #expect(reply["message"] == "SUCCEED")
            #expect(reply["request_id"]?.stringValue?.isEmpty == false)
            let tenant = try #require(reply["data"]?["tenant"])
            #expect(tenant["id"]?.stringValue == tenantID)
            #expect(tenant["name"] == "acme")
            #expect(tenant["status"] == "active")
            #expect(tenant["credit_limit_micros"] == 5_000_000)
            #expect(tenant["monthly_budget_micros"] == 9_000_000)
            #expect(tenant["rpm_limit"] == 30)
            #expect(tenant["max_concurrent_tasks"] == .null)
            #expect(tenant["balance"] == ["credits_micros": 12_000_000, "charged_micros": 0, "reserved_micros": 0, "available_micros": 17_000_000, "grants_micros": 0])
            let ownKey = try #require(reply["data"]?["key"])
            #expect(ownKey["id"]?.stringValue == key.id)
            #expect(ownKey["name"] == "ci")
            #expect(ownKey["prefix"]?.stringValue.map { key.secret.hasPrefix($0) } == true)
            #expect(ownKey["budget_micros"] == 2_000_000)
            #expect(ownKey["budget_period"] == "month")
            #expect(ownKey["allowed_models"] == ["kling-v3-omni"])
            #expect(ownKey["max_concurrent_tasks"] == 2)
            #expect(ownKey["charged_micros"] == 0)
            #expect(ownKey["reserved_micros"] == 0)
            #expect(ownKey["spent_this_month_micros"] == 0)
            #expect(ownKey["key"] == nil)
        }
    }

    @Test func aRevokedKeyIsRefusedOnTheNextRequest() async throws {
        try await TestGateway().run { client in
            let key = try await client.makeKey(tenantID: try await client.makeTenant())
            #expect(try await client.send(.get, "/v1/account", token: key.secret).status == .ok)

            let revoked = try await client.admin(.delete, "/admin/v1/keys/\(key.id)")
            #expect(revoked.status == .ok)
            #expect(revoked["status"] == "revoked")
            #expect(revoked["revoked_at"]?.stringValue != nil)

            let refused = try await client.send(.get, "/v1/account", token: key.secret)
            #expect(refused.status == .unauthorized)
            #expect(refused["code"] == 1002)
            // revoking again is harmless and keeps the first time
            let again = try await client.admin(.delete, "/admin/v1/keys/\(key.id)")
            #expect(again.status == .ok)
            #expect(again["revoked_at"] == revoked["revoked_at"])
        }
    }

    @Test func anExpiredKeyIsRefusedWith1004() async throws {
        try await TestGateway().run { client in
            let expiresAt = RFC3339.format(Date().addingTimeInterval(3600))
            let key = try await client.makeKey(tenantID: try await client.makeTenant(), ["expires_at": .string(expiresAt)])
            #expect(try await client.send(.get, "/v1/account", token: key.secret).status == .ok)
            // time passes: the API takes only future expiries, so the clock is moved in the database
            try await TestDatabase.pool().execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = \(UUID(uuidString: key.id)!)")
            let refused = try await client.send(.get, "/v1/account", token: key.secret)
            #expect(refused.status == .unauthorized)
            #expect(refused["code"] == 1004)
            #expect(try await client.admin(.get, "/admin/v1/keys/\(key.id)")["status"] == "expired")
        }
    }

    @Test func aSuspendedTenantStillReadsItsAccountAndIsRefusedCreatesWith1100UntilReactivated() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            #expect(try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["status": "suspended"]).status == .ok)
            #expect(try await client.send(.get, "/v1/account", token: key.secret).status == .ok)
            let refused = try await client.send(.post, "/kling/v1/videos/omni-video", token: key.secret, json: ["prompt": "x", "aspect_ratio": "16:9"])
            #expect(refused.status == .tooManyRequests)
            #expect(refused["code"] == 1100)
            #expect(try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["status": "active"]).status == .ok)
            #expect(try await client.send(.get, "/v1/account", token: key.secret).status == .ok)
        }
    }

    @Test func noKeyOrAnUnknownKeyIsRefused() async throws {
        try await TestGateway().run { client in
            let missing = try await client.send(.get, "/v1/account", token: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing["code"] == 1000)
            let unknown = try await client.send(.get, "/v1/account", token: "omk_unknown")
            #expect(unknown.status == .unauthorized)
            #expect(unknown["code"] == 1002)
        }
    }
}
