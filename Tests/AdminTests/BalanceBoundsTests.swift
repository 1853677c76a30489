import Accounting
import Foundation
import Kling
import Postgres
import Testing

/// No balance arithmetic can overflow: writes beyond ±2^62 are refused with 422, and a balance stored
/// at the Int64 edge (only possible by hand, in SQL) never crashes a read.
@Suite struct BalanceBoundsTests {
    static let bound: Int64 = 1 << 62

    @Test func aTopUpPastTheBoundIsRefusedAndChangesNothing() async throws {
        try await SafetyGateway.run { client in
            let tenant = try await client.makeTenant()
            let max: Int64 = 1_000_000_000_000_000
            let pool = try await TestDatabase.pool()
            // the tenant already holds just under the bound (set by SQL: 4,612 top-ups of the maximum)
            try await pool.execute("UPDATE tenants SET credits_micros = \(Self.bound - 10) WHERE id = \(UUID(uuidString: tenant)!)")
            let refused = try await client.admin(.post, "/admin/v1/tenants/\(tenant)/credits", json: ["amount_micros": .int(max), "reason": "one more"])
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(refused.errorCode == "invalid")
            let read = try await client.admin(.get, "/admin/v1/tenants/\(tenant)")
            #expect(read["balance"]?["credits_micros"]?.int64Value == Self.bound - 10)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = \(UUID(uuidString: tenant)!) AND reason = 'one more'") == 0)
            // an adjustment that brings it back is fine
            let adjusted = try await client.admin(.post, "/admin/v1/tenants/\(tenant)/credits", json: ["amount_micros": -10, "reason": "fix"])
            #expect(adjusted.status == .created, "\(adjusted.text)")
        }
    }

    @Test func aCreditLimitThatWouldTakeAvailablePastTheBoundIsRefused() async throws {
        try await SafetyGateway.run { client in
            let tenant = try await client.makeTenant()
            let pool = try await TestDatabase.pool()
            try await pool.execute("UPDATE tenants SET credits_micros = \(Self.bound - 5) WHERE id = \(UUID(uuidString: tenant)!)")
            let refused = try await client.admin(.patch, "/admin/v1/tenants/\(tenant)", json: ["credit_limit_micros": 1_000_000])
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let read = try await client.admin(.get, "/admin/v1/tenants/\(tenant)")
            #expect(read["credit_limit_micros"]?.int64Value == 0)
        }
    }

    @Test func aBalanceStoredAtTheInt64EdgeNeverCrashesAReadTheListOrAPatch() async throws {
        try await SafetyGateway.run { client in
            let tenant = try await client.makeTenant(["credit_limit_micros": 1_000_000])
            let pool = try await TestDatabase.pool()
            try await pool.execute("UPDATE tenants SET credits_micros = \(Int64.max) WHERE id = \(UUID(uuidString: tenant)!)")
            let read = try await client.admin(.get, "/admin/v1/tenants/\(tenant)")
            #expect(read.status == .ok)
            #expect(read["balance"]?["credits_micros"]?.int64Value == Int64.max)
            #expect(read["balance"]?["available_micros"]?.int64Value == Int64.max)  // saturated, not trapped
            let list = try await client.admin(.get, "/admin/v1/tenants?limit=200")
            #expect(list.status == .ok)
            let repaired = try await client.admin(.patch, "/admin/v1/tenants/\(tenant)", json: ["status": "suspended"])
            #expect(repaired.status == .ok, "\(repaired.text)")
            let adjusted = try await client.admin(.post, "/admin/v1/tenants/\(tenant)/credits",
                                                  json: ["amount_micros": -1_000_000_000_000_000, "reason": "repair"])
            #expect(adjusted.status == .unprocessableContent, "still beyond the bound after it: \(adjusted.text)")
            try await pool.execute("UPDATE tenants SET credits_micros = \(Int64.min + 1), charged_micros = \(Int64.max) WHERE id = \(UUID(uuidString: tenant)!)")
            let negative = try await client.admin(.get, "/admin/v1/tenants/\(tenant)")
            #expect(negative["balance"]?["available_micros"]?.int64Value == Int64.min)
            try await pool.execute("UPDATE tenants SET credits_micros = 0, charged_micros = 0 WHERE id = \(UUID(uuidString: tenant)!)")
        }
    }

    @Test func boundsAreCheckedOnEverySum() {
        #expect(Balance.withinBounds(credits: Self.bound, charged: 0, reserved: 0, creditLimit: 0))
        #expect(!Balance.withinBounds(credits: Self.bound, charged: 0, reserved: 0, creditLimit: 1))
        #expect(!Balance.withinBounds(credits: -Self.bound, charged: 1, reserved: 0, creditLimit: 0))
        #expect(!Balance.withinBounds(credits: Int64.max, charged: Int64.max, reserved: 0, creditLimit: 0))
        #expect(Balance(creditsMicros: Int64.max, chargedMicros: 0, reservedMicros: 0, creditLimitMicros: 1).availableMicros == Int64.max)
    }
}
