import Foundation
import Gateway
import Hummingbird
import Kling
import Testing

/// `budgets` and `time_zone` on tenants and keys through the admin API, and in `GET /v1/account`.
@Suite struct BudgetResourceTests {
    @Test func aTokyoTenantShowsItsDayWindowFrom1500Z() async throws {
        try await TestGateway().run { client in
            let created = try await client.admin(.post, "/admin/v1/tenants", json: [
                "name": "tokyo", "time_zone": "Asia/Tokyo",
                "budgets": [["period": "day", "amount_micros": 5_000_000], ["period": "week", "amount_micros": 20_000_000]],
                "monthly_budget_micros": 50_000_000])
            #expect(created.status == .created, "\(created.text)")
            #expect(created["time_zone"] == "Asia/Tokyo")
            let budgets = try #require(created["budgets"]?.arrayValue)
            #expect(budgets.map { $0["period"] } == ["day", "week", "month"])
            #expect(budgets.map { $0["amount_micros"] } == [5_000_000, 20_000_000, 50_000_000])
            let day = budgets[0]
            #expect(day["spent_micros"] == 0)
            #expect(day["reserved_micros"] == 0)
            #expect(day["window_start"]?.stringValue?.hasSuffix("T15:00:00.000Z") == true, "\(day)")
            #expect(day["window_end"]?.stringValue?.hasSuffix("T15:00:00.000Z") == true)
        }
    }

    @Test func badZonesAndTwoBudgetsOfAPeriodAre422() async throws {
        try await TestGateway().run { client in
            let zone = try await client.admin(.post, "/admin/v1/tenants", json: ["name": "x", "time_zone": "Mars/Olympus"])
            #expect(zone.status == .unprocessableContent)
            let twice = try await client.admin(.post, "/admin/v1/tenants", json: [
                "name": "x", "budgets": [["period": "day", "amount_micros": 1], ["period": "day", "amount_micros": 2]]])
            #expect(twice.status == .unprocessableContent)
            let alias = try await client.admin(.post, "/admin/v1/tenants", json: [
                "name": "x", "monthly_budget_micros": 5, "budgets": [["period": "month", "amount_micros": 6]]])
            #expect(alias.status == .unprocessableContent)
            let period = try await client.admin(.post, "/admin/v1/tenants", json: ["name": "x", "budgets": [["period": "year", "amount_micros": 6]]])
            #expect(period.status == .unprocessableContent)

            let tenantID = try await client.makeTenant()
            let patched = try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["time_zone": "America/New_York"])
            #expect(patched["time_zone"] == "America/New_York")
            #expect(try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["time_zone": "Nowhere/Land"]).status == .unprocessableContent)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")["time_zone"] == "America/New_York")
            let monthly = try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["monthly_budget_micros": 7_000_000])
            #expect(monthly["budgets"]?.arrayValue?.map { $0["period"] } == ["month"])
        }
    }

    @Test func aKeysOlderPairIsOneOfItsBudgets() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID, ["budget_micros": 3_000_000, "budget_period": "day",
                                                                     "budgets": [["period": "week", "amount_micros": 9_000_000]]])
            let read = try await client.admin(.get, "/admin/v1/keys/\(key.id)")
            #expect(read["budget_micros"] == 3_000_000)
            #expect(read["budget_period"] == "day")
            #expect(read["budgets"]?.arrayValue?.map { $0["period"] } == ["day", "week"])
            #expect(read["budgets"]?.arrayValue?.map { $0["amount_micros"] } == [3_000_000, 9_000_000])
            let conflict = try await client.admin(.patch, "/admin/v1/keys/\(key.id)", json: ["budget_period": "week"])
            #expect(conflict.status == .unprocessableContent, "\(conflict.text)")
            let replaced = try await client.admin(.patch, "/admin/v1/keys/\(key.id)", json: ["budgets": [["period": "month", "amount_micros": 1]]])
            #expect(replaced["budgets"]?.arrayValue?.map { $0["period"] } == ["month"])
            #expect(replaced["budget_micros"] == .null)

            let account = try await client.send(.get, "/v1/account", token: key.secret)
            #expect(account["data"]?["key"]?["budgets"]?.arrayValue?.first?["amount_micros"] == 1)
            #expect(account["data"]?["tenant"]?["budgets"] == [])
            #expect(account["data"]?["grants"] == [])
        }
    }
}
