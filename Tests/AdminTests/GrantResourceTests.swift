import Foundation
import Gateway
import Hummingbird
import Kling
import Testing

/// Credit grants through the admin API: what is refused, idempotency, roles, and the balance they add.
@Suite struct GrantResourceTests {
    @Test func badGrantsAreRefusedAndChangeNothing() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let path = "/admin/v1/tenants/\(tenantID)/grants"
            let cases: [(JSONValue, HTTPResponse.Status)] = [
                (["amount_micros": 0, "name": "x"], .unprocessableContent),
                (["amount_micros": -5, "name": "x"], .unprocessableContent),
                (["amount_micros": 5], .badRequest),
                (["amount_micros": "5", "name": "x"], .badRequest),
                (["amount_micros": 5, "name": "x", "models": ["kling-nothing"]], .unprocessableContent),
                (["amount_micros": 5, "name": "x", "expires_at": "2020-01-01T00:00:00Z"], .unprocessableContent),
                (["amount_micros": 5, "name": "x", "effective_at": "2031-01-01T00:00:00Z", "expires_at": "2030-01-01T00:00:00Z"], .unprocessableContent),
            ]
            for (body, status) in cases {
                let reply = try await client.admin(.post, path, json: body)
                #expect(reply.status == status, "\(body): \(reply.text)")
            }
            #expect(try await client.admin(.get, path)["data"] == [])
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")["balance"]?["available_micros"] == 0)
            #expect(try await client.admin(.post, "/admin/v1/tenants/\(UUID().uuidString)/grants", json: ["amount_micros": 5, "name": "x"]).status == .notFound)
            #expect(try await client.admin(.get, "/admin/v1/grants/\(UUID().uuidString)").status == .notFound)
            #expect(try await client.admin(.post, "/admin/v1/grants/\(UUID().uuidString)/void").status == .notFound)
        }
    }

    @Test func anIdempotencyKeyReplaysTheGrantAndAnotherAmountConflicts() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let path = "/admin/v1/tenants/\(tenantID)/grants"
            let first = try await client.admin(.post, path, json: ["amount_micros": 2_000_000, "name": "promo", "idempotency_key": "p-1",
                                                                    "models": ["kling-image-o1"], "expires_at": "2099-01-01T00:00:00Z"])
            #expect(first.status == .created)
            #expect(first["priority"] == 10)
            #expect(first["models"] == ["kling-image-o1"])
            #expect(first["held_micros"] == 0)
            let again = try await client.admin(.post, path, json: ["amount_micros": 2_000_000, "name": "promo", "idempotency_key": "p-1"])
            #expect(again.status == .ok)
            #expect(again["id"] == first["id"])
            let other = try await client.admin(.post, path, json: ["amount_micros": 3, "name": "promo", "idempotency_key": "p-1"])
            #expect(other.status == .conflict)
            let tenant = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")
            #expect(tenant["balance"]?["grants_micros"] == 2_000_000)
            #expect(tenant["balance"]?["available_micros"] == 2_000_000)
            let ledger = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/ledger?kind=grant")
            #expect(ledger["data"]?.arrayValue?.map { $0["amount_micros"] } == [2_000_000])
            #expect(ledger["data"]?.arrayValue?.first?["grant_id"] == first["id"])

            let finance = try await client.makeToken("finance")
            #expect(try await client.send(.get, path, token: finance.secret).status == .ok)
            #expect(try await client.send(.post, path, token: finance.secret, json: ["amount_micros": 5, "name": "x"]).status == .forbidden)
            let id = try #require(first["id"]?.stringValue)
            #expect(try await client.send(.post, "/admin/v1/grants/\(id)/void", token: finance.secret).status == .forbidden)
            let voided = try await client.admin(.post, "/admin/v1/grants/\(id)/void")
            #expect(voided["status"] == "voided")
            #expect(voided["voided_micros"] == 2_000_000)
            #expect(try await client.admin(.post, "/admin/v1/grants/\(id)/void")["voided_micros"] == 2_000_000)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)")["balance"]?["available_micros"] == 0)
        }
    }
}
