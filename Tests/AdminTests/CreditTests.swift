import Foundation
import Kling
import Postgres
import Testing

/// Top-ups and adjustments: one ledger row each, exactly once per idempotency key.
@Suite struct CreditTests {
    func ledgerRows(_ tenantID: String) async throws -> Int64 {
        try await TestDatabase.number("SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = \(UUID(uuidString: tenantID)!)")
    }

    @Test func aTopUpIsACreditAndANegativeAmountAnAdjustment() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant(["credit_limit_micros": 1_000_000])
            let credit = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: ["amount_micros": 10_000_000, "reason": "invoice 7"])
            #expect(credit.status == .created)
            #expect(credit["kind"] == "credit")
            #expect(credit["amount_micros"] == 10_000_000)
            #expect(credit["reason"] == "invoice 7")
            #expect(credit["tenant_id"]?.stringValue == tenantID)
            #expect(credit["idempotency_key"] == .null)
            #expect(credit["id"]?.int64Value != nil)
            #expect(credit["balance"]?["available_micros"] == 11_000_000)

            let adjustment = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: ["amount_micros": -2_500_000, "reason": "refund"])
            #expect(adjustment.status == .created)
            #expect(adjustment["kind"] == "adjustment")
            #expect(adjustment["balance"] == ["credits_micros": 7_500_000, "charged_micros": 0, "reserved_micros": 0, "available_micros": 8_500_000, "grants_micros": 0])
            #expect(try await ledgerRows(tenantID) == 2)
        }
    }

    @Test func aRetryWithTheSameKeyAnswersTheFirstEntryAndWritesNothing() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let body: JSONValue = ["amount_micros": 5_000_000, "reason": "top-up", "idempotency_key": "inv-42"]
            let first = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: body)
            let second = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: body)
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(second["id"] == first["id"])
            #expect(second["created_at"] == first["created_at"])
            #expect(second["balance"]?["credits_micros"] == 5_000_000)
            #expect(try await ledgerRows(tenantID) == 1)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM audit_log WHERE resource_id = \(tenantID) AND action = 'tenant.credit'") == 1)
        }
    }

    @Test func concurrentRetriesWriteOneEntry() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let body: JSONValue = ["amount_micros": 3_000_000, "reason": "top-up", "idempotency_key": "race"]
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: body) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == .created }.count == 1)
            #expect(replies.filter { $0.status == .ok }.count == 11)
            #expect(Set(replies.compactMap { $0["id"]?.int64Value }).count == 1)
            #expect(try await ledgerRows(tenantID) == 1)
            let tenant = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(tenant["balance"]?["credits_micros"] == 3_000_000)
        }
    }

    @Test func reusingAKeyWithAnotherAmountIsAConflict() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            _ = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: ["amount_micros": 1_000, "reason": "a", "idempotency_key": "k"])
            let reused = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/credits", json: ["amount_micros": 2_000, "reason": "a", "idempotency_key": "k"])
            #expect(reused.status == .conflict)
            #expect(reused.errorCode == "conflict")
            #expect(try await ledgerRows(tenantID) == 1)
        }
    }

    @Test func theSameKeyOnAnotherTenantIsAnotherCredit() async throws {
        try await TestGateway().run { client in
            let first = try await client.makeTenant()
            let second = try await client.makeTenant()
            let body: JSONValue = ["amount_micros": 1_000, "reason": "a", "idempotency_key": "shared"]
            #expect(try await client.admin(.post, "/admin/v1/tenants/\(first)/credits", json: body).status == .created)
            #expect(try await client.admin(.post, "/admin/v1/tenants/\(second)/credits", json: body).status == .created)
        }
    }
}
