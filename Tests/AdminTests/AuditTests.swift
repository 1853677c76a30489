import Foundation
import Kling
import Testing

/// Every admin write leaves an audit row with its actor and the resource before and after.
@Suite struct AuditTests {
    func entries(_ client: TestGateway.Client, _ resourceID: String) async throws -> [JSONValue] {
        let reply = try await client.admin(.get, "/admin/v1/audit?resource_id=\(resourceID)")
        #expect(reply.status == .ok)
        // newest first
        return try #require(reply["data"]?.arrayValue).reversed()
    }

    @Test func tenantWritesAreAuditedWithBeforeAndAfter() async throws {
        try await TestGateway().run { client in
            let admin = try await client.makeToken("admin")
            let created = try await client.send(.post, "/admin/v1/tenants", token: admin.secret, json: ["name": "audited", "rpm_limit": 10])
            let tenantID = try #require(created["id"]?.stringValue)
            _ = try await client.send(.patch, "/admin/v1/tenants/\(tenantID)", token: admin.secret, json: ["rpm_limit": 20, "status": "suspended"])
            _ = try await client.send(.post, "/admin/v1/tenants/\(tenantID)/credits", token: admin.secret, json: ["amount_micros": 700, "reason": "audit"])
            // a PATCH that changes nothing writes nothing, so it is not audited
            _ = try await client.send(.patch, "/admin/v1/tenants/\(tenantID)", token: admin.secret, json: ["rpm_limit": 20])

            let rows = try await entries(client, tenantID)
            #expect(rows.map { $0["action"]?.stringValue } == ["tenant.create", "tenant.update", "tenant.credit"])
            #expect(rows.allSatisfy { $0["actor"]?.stringValue == admin.id && $0["resource_type"] == "tenant" })
            #expect(rows[0]["before"] == .null)
            #expect(rows[0]["after"]?["rpm_limit"] == 10)
            #expect(rows[1]["before"]?["rpm_limit"] == 10)
            #expect(rows[1]["before"]?["status"] == "active")
            #expect(rows[1]["after"]?["rpm_limit"] == 20)
            #expect(rows[1]["after"]?["status"] == "suspended")
            #expect(rows[2]["before"]?["credits_micros"] == 0)
            #expect(rows[2]["after"]?["amount_micros"] == 700)
            #expect(rows[2]["after"]?["balance"]?["credits_micros"] == 700)
        }
    }

    @Test func keyWritesAreAuditedWithoutTheSecret() async throws {
        try await TestGateway().run { client in
            let key = try await client.makeKey(tenantID: try await client.makeTenant())
            _ = try await client.admin(.patch, "/admin/v1/keys/\(key.id)", json: ["budget_micros": 1_000, "allowed_models": ["kling-image-o1"]])
            _ = try await client.admin(.delete, "/admin/v1/keys/\(key.id)")
            _ = try await client.admin(.delete, "/admin/v1/keys/\(key.id)")

            let rows = try await entries(client, key.id)
            #expect(rows.map { $0["action"]?.stringValue } == ["api_key.create", "api_key.update", "api_key.revoke"])
            #expect(rows.allSatisfy { $0["actor"] == "bootstrap" && $0["resource_type"] == "api_key" })
            #expect(rows[1]["before"]?["budget_micros"] == .null)
            #expect(rows[1]["after"]?["budget_micros"] == 1_000)
            #expect(rows[1]["after"]?["allowed_models"] == ["kling-image-o1"])
            #expect(rows[2]["before"]?["status"] == "active")
            #expect(rows[2]["after"]?["status"] == "revoked")
            #expect(!rows.map { $0.encodedString() }.joined().contains(key.secret))
        }
    }

    @Test func tokenAndPriceWritesAreAudited() async throws {
        try await TestGateway().run { client in
            let token = try await client.makeToken("finance")
            let tokenRows = try await entries(client, token.id)
            #expect(tokenRows.map { $0["action"]?.stringValue } == ["admin_token.create"])
            #expect(tokenRows.first?["after"]?["role"] == "finance")

            let current = try await client.admin(.get, "/admin/v1/prices")
            let put = try await client.admin(.put, "/admin/v1/prices", json: current.json)
            let version = try #require(put["version"]?.int64Value)
            let priceRows = try await entries(client, String(version))
            let row = try #require(priceRows.first { $0["resource_type"] == "price_book" })
            #expect(row["action"] == "price_book.create")
            #expect(row["after"]?["version"]?.int64Value == version)
            #expect(row["before"]?["version"]?.int64Value.map { $0 < version } == true)
        }
    }

    @Test func theAuditLogPagesNewestFirst() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            for limit in 1...4 {
                _ = try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["rpm_limit": .int(Int64(limit))])
            }
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let reply = try await client.admin(.get, "/admin/v1/audit?resource_id=\(tenantID)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                seen += try #require(reply["data"]?.arrayValue).compactMap { $0["id"]?.int64Value }
                cursor = reply["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(seen.count == 5)
            #expect(seen == seen.sorted(by: >))
        }
    }
}
