import Foundation
import Kling
import Postgres
import Testing

/// The shapes of tenants and keys, their changes, and the tenant list's pages.
@Suite struct ResourceTests {
    @Test func aNewTenantShowsEveryFieldWithAbsentLimitsAsNull() async throws {
        try await TestGateway().run { client in
            let reply = try await client.admin(.post, "/admin/v1/tenants", json: ["name": "fresh", "callback_url": "https://example.com/hook"])
            #expect(reply.status == .created)
            let tenant = try #require(reply.json.objectValue)
            for field in ["id", "name", "status", "credit_limit_micros", "monthly_budget_micros", "max_concurrent_tasks", "rpm_limit",
                          "callback_url", "created_at", "updated_at", "balance"] {
                #expect(tenant[field] != nil, "\(field)")
            }
            #expect(tenant["status"] == "active")
            #expect(tenant["credit_limit_micros"] == 0)
            #expect(tenant["monthly_budget_micros"] == .null)
            #expect(tenant["callback_url"] == "https://example.com/hook")
            #expect(tenant["balance"] == ["credits_micros": 0, "charged_micros": 0, "reserved_micros": 0, "available_micros": 0, "grants_micros": 0])
            let id = try #require(tenant["id"]?.stringValue)
            #expect(id == id.lowercased())
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(id)").json == reply.json)
        }
    }

    @Test func theTenantListPagesNewestFirstWithoutRepeats() async throws {
        try await TestGateway().run { client in
            var mine: [String] = []
            for index in 0..<3 { mine.append(try await client.makeTenant(["name": .string("paged \(index)")])) }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let reply = try await client.admin(.get, "/admin/v1/tenants?limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(reply.status == .ok)
                let items = try #require(reply["data"]?.arrayValue)
                #expect(items.count <= 7)
                seen += items.compactMap { $0["id"]?.stringValue }
                cursor = reply["next_cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 1_000
            #expect(Set(seen).count == seen.count)
            let positions = mine.compactMap { seen.firstIndex(of: $0) }
            #expect(positions.count == 3)
            #expect(positions == positions.sorted(by: >), "newest first")
        }
    }

    @Test func theKeyListShowsLimitsSpendAndStatusButNoSecret() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID, ["name": "spender", "budget_micros": 50_000_000, "rpm_limit": 12])
            let revoked = try await client.makeKey(tenantID: tenantID, ["name": "old"])
            _ = try await client.admin(.delete, "/admin/v1/keys/\(revoked.id)")
            // charges this month and last month, as Ledger.append records them
            let keyID = try #require(UUID(uuidString: key.id))
            try await TestDatabase.pool().execute("""
                INSERT INTO monthly_charges (subject_id, month, charged_micros) VALUES
                    (\(keyID), date_trunc('month', now() AT TIME ZONE 'UTC')::date, 1234),
                    (\(keyID), (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, 99)
                """)

            let list = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/keys")
            #expect(list.status == .ok)
            let items = try #require(list["data"]?.arrayValue)
            #expect(items.count == 2)
            #expect(list["next_cursor"] == .null)
            let spender = try #require(items.first { $0["id"]?.stringValue == key.id })
            #expect(spender["status"] == "active")
            #expect(spender["budget_micros"] == 50_000_000)
            #expect(spender["budget_period"] == "total")
            #expect(spender["rpm_limit"] == 12)
            #expect(spender["allowed_models"] == .null)
            #expect(spender["spent_this_month_micros"] == 1234)
            #expect(spender["charged_micros"] == 0)
            #expect(spender["last_used_at"] == .null)
            #expect(spender["key"] == nil)
            for field in ["tenant_id", "name", "prefix", "expires_at", "revoked_at", "max_concurrent_tasks", "reserved_micros", "created_at"] {
                #expect(spender[field] != nil, "\(field)")
            }
            #expect(items.first { $0["id"]?.stringValue == revoked.id }?["status"] == "revoked")
            #expect(!list.text.contains(key.secret))
        }
    }

    @Test func aKeyPatchChangesLimitsAndNullClearsThem() async throws {
        try await TestGateway().run { client in
            let key = try await client.makeKey(tenantID: try await client.makeTenant(), ["rpm_limit": 5, "allowed_models": ["kling-v3-omni"]])
            let expiry = RFC3339Format.string(Date().addingTimeInterval(86_400))
            let patched = try await client.admin(.patch, "/admin/v1/keys/\(key.id)",
                                                 json: ["name": "renamed", "rpm_limit": nil, "allowed_models": nil, "budget_micros": 7,
                                                        "budget_period": "month", "expires_at": .string(expiry), "max_concurrent_tasks": 3])
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched["name"] == "renamed")
            #expect(patched["rpm_limit"] == .null)
            #expect(patched["allowed_models"] == .null)
            #expect(patched["budget_micros"] == 7)
            #expect(patched["budget_period"] == "month")
            #expect(patched["max_concurrent_tasks"] == 3)
            #expect(patched["expires_at"]?.stringValue != nil)
            #expect(patched["status"] == "active")
            // the key still works, with its new limits
            #expect(try await client.send(.get, "/v1/account", token: key.secret)["data"]?["key"]?["name"] == "renamed")
        }
    }
}

enum RFC3339Format {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
