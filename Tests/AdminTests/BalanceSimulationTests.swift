import Foundation
import Kling
import Postgres
import Testing

/// A seeded random run of admin operations; afterwards every balance the API shows equals the sums of
/// the ledger to the micro, and equals what the run itself expects.
@Suite struct BalanceSimulationTests {
    /// What the run expects of one tenant.
    struct Expected: Sendable {
        var credits: Int64 = 0
        var creditLimit: Int64 = 0
        var ledgerRows: Int64 = 0
        /// Idempotency keys used so far with their amounts, to retry some of them.
        var keys: [(key: String, amount: Int64)] = []
    }

    static let seed: UInt64 = 0x0A11_CE5E_ED00_2026
    static let tenants = 5
    static let operationsPerTenant = 200

    @Test func balancesEqualLedgerSumsAfterAThousandOperations() async throws {
        try await TestGateway().run { client in
            // tenants run side by side; each one's sequence is fixed by the seed and its index
            let results = try await withThrowingTaskGroup(of: (String, Expected).self) { group in
                for index in 0..<Self.tenants {
                    group.addTask {
                        var random = SeededGenerator(seed: Self.seed &+ UInt64(index))
                        let tenantID = try await client.makeTenant(["name": .string("simulation \(index)")])
                        var expected = Expected()
                        for step in 0..<Self.operationsPerTenant {
                            try await Self.step(step, tenantID, &expected, &random, client)
                        }
                        return (tenantID, expected)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == Self.tenants)
            for (tenantID, expected) in results {
                let id = try #require(UUID(uuidString: tenantID))
                let sums = try #require(try await TestDatabase.pool().queryFirst("""
                    SELECT COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('credit', 'adjustment')), 0)::bigint AS credits,
                           COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0)::bigint AS charged,
                           COALESCE(sum(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'charge' THEN -amount_micros
                                                  WHEN 'release' THEN -amount_micros ELSE 0 END), 0)::bigint AS reserved,
                           count(*) AS rows
                    FROM ledger_entries WHERE tenant_id = \(id)
                    """))
                let credits = try sums.decode(Int64.self, "credits")
                let charged = try sums.decode(Int64.self, "charged")
                let reserved = try sums.decode(Int64.self, "reserved")
                let balance = try #require(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")["balance"])
                #expect(balance["credits_micros"]?.int64Value == credits)
                #expect(balance["charged_micros"]?.int64Value == charged)
                #expect(balance["reserved_micros"]?.int64Value == reserved)
                #expect(balance["available_micros"]?.int64Value == credits - charged - reserved + expected.creditLimit)
                #expect(credits == expected.credits)
                #expect(try sums.decode(Int64.self, "rows") == expected.ledgerRows)
            }
        }
    }

    /// One operation: a credit, an adjustment, a retry of an earlier credit, or a change of the tenant.
    static func step(_ step: Int, _ tenantID: String, _ expected: inout Expected, _ random: inout SeededGenerator,
                     _ client: TestGateway.Client) async throws {
        let path = "/admin/v1/tenants/\(tenantID)"
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4:
            let amount = Int64.random(in: 1...50_000_000, using: &random)
            var body: [String: JSONValue] = ["amount_micros": .int(amount), "reason": .string("top-up \(step)")]
            if Bool.random(using: &random) {
                let key = "credit-\(step)"
                body["idempotency_key"] = .string(key)
                expected.keys.append((key, amount))
            }
            let reply = try await client.admin(.post, path + "/credits", json: .object(body))
            #expect(reply.status == .created, "\(reply.text)")
            expected.credits += amount
            expected.ledgerRows += 1
        case 4..<7:
            let amount = -Int64.random(in: 1...20_000_000, using: &random)
            let reply = try await client.admin(.post, path + "/credits", json: ["amount_micros": .int(amount), "reason": .string("adjustment \(step)")])
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply["kind"] == "adjustment")
            expected.credits += amount
            expected.ledgerRows += 1
        case 7 where !expected.keys.isEmpty:
            let earlier = expected.keys[Int.random(in: 0..<expected.keys.count, using: &random)]
            let reply = try await client.admin(.post, path + "/credits",
                                               json: ["amount_micros": .int(earlier.amount), "reason": "retry", "idempotency_key": .string(earlier.key)])
            #expect(reply.status == .ok, "\(reply.text)")
        case 7, 8:
            let limit = Int64.random(in: 0...100_000_000, using: &random)
            let reply = try await client.admin(.patch, path, json: ["credit_limit_micros": .int(limit), "monthly_budget_micros": Bool.random(using: &random) ? .null : 1_000_000])
            #expect(reply.status == .ok, "\(reply.text)")
            expected.creditLimit = limit
        default:
            let reply = try await client.admin(.patch, path, json: ["status": Bool.random(using: &random) ? "suspended" : "active"])
            #expect(reply.status == .ok, "\(reply.text)")
        }
    }
}
