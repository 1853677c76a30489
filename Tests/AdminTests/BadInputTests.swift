import Foundation
import Hummingbird
import Kling
import Testing

/// Malformed or invalid requests across the admin routes: each gets the contract's error body with
/// the right status and code, and none of them writes anything.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var json: JSONValue? = nil
        var raw: String? = nil
        var status: HTTPResponse.Status
        var code: String
        var description: String { "\(method) \(path) \(raw ?? json?.encodedString() ?? "")" }
    }

    @Test func everyBadRequestIsRefusedAndWritesNothing() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            let admin = try await client.makeToken("admin")
            let tenantBefore = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)").json
            let keyBefore = try await client.admin(.get, "/admin/v1/keys/\(key.id)").json
            let marker = "bad-input-\(UUID().uuidString)"
            let nowhere = UUID().uuidString.lowercased()
            let tenants = "/admin/v1/tenants"
            let credits = "\(tenants)/\(tenantID)/credits"
            let keys = "\(tenants)/\(tenantID)/keys"
            let name = JSONValue.string(marker)

            let cases: [Case] = [
                Case(method: .post, path: tenants, raw: "{\"name\": ", status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, raw: "[1, 2]", status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, raw: "", status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, json: [:], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, json: ["name": ""], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: tenants, json: ["name": .string(String(repeating: "n", count: 201))], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: tenants, json: ["name": 42], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, json: ["name": "nul\u{0}name"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: tenants, json: ["name": name, "credit_limit_micros": -1], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: tenants, json: ["name": name, "rpm_limit": 0], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: tenants, json: ["name": name, "max_concurrent_tasks": 1.5], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, json: ["name": name, "max_concurrent_tasks": 3_000_000_000], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: tenants, json: ["name": name, "monthly_budget_micros": "100"], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: tenants, json: ["name": name, "callback_url": "ftp://example.com/hook"], status: .unprocessableContent, code: "invalid"),
                Case(method: .patch, path: "\(tenants)/\(tenantID)", json: ["status": "deleted"], status: .unprocessableContent, code: "invalid"),
                Case(method: .patch, path: "\(tenants)/\(tenantID)", json: ["name": nil], status: .badRequest, code: "bad_request"),
                Case(method: .patch, path: "\(tenants)/\(tenantID)", json: ["credit_limit_micros": nil], status: .badRequest, code: "bad_request"),
                Case(method: .patch, path: "\(tenants)/\(tenantID)", json: ["rpm_limit": 10, "monthly_budget_micros": -3], status: .unprocessableContent, code: "invalid"),
                Case(method: .patch, path: "\(tenants)/not-a-uuid", json: ["name": "x"], status: .notFound, code: "not_found"),
                Case(method: .patch, path: "\(tenants)/\(nowhere)", json: ["name": "x"], status: .notFound, code: "not_found"),
                Case(method: .get, path: "\(tenants)/\(nowhere)", status: .notFound, code: "not_found"),
                Case(method: .get, path: "\(tenants)?limit=0", status: .badRequest, code: "bad_request"),
                Case(method: .get, path: "\(tenants)?cursor=nonsense", status: .badRequest, code: "bad_request"),
                Case(method: .post, path: credits, json: ["amount_micros": 0, "reason": "zero"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: credits, json: ["amount_micros": 100], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: credits, json: ["amount_micros": 100, "reason": "   "], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: credits, json: ["amount_micros": 100, "reason": .string(String(repeating: "r", count: 501))], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: credits, json: ["amount_micros": "100", "reason": "string amount"], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: credits, json: ["amount_micros": 2_000_000_000_000_000_000, "reason": "too much"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: credits, raw: "{\"amount_micros\": 99999999999999999999, \"reason\": \"overflow\"}", status: .badRequest, code: "bad_request"),
                Case(method: .post, path: credits, json: ["amount_micros": 100, "reason": "r", "idempotency_key": ""], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: "\(tenants)/\(nowhere)/credits", json: ["amount_micros": 100, "reason": "r"], status: .notFound, code: "not_found"),
                Case(method: .post, path: "/admin/v1/tokens", json: ["name": "root", "role": "root"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: "/admin/v1/tokens", json: ["name": "no role"], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: keys, json: ["name": "k", "budget_period": "year"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: keys, json: ["name": "k", "allowed_models": ["gpt-4"]], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: keys, json: ["name": "k", "allowed_models": []], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: keys, json: ["name": "k", "allowed_models": "kling-v3-omni"], status: .badRequest, code: "bad_request"),
                Case(method: .post, path: keys, json: ["name": "k", "expires_at": "2001-01-01T00:00:00Z"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: keys, json: ["name": "k", "expires_at": "tomorrow"], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: keys, json: ["name": "k", "budget_micros": -5], status: .unprocessableContent, code: "invalid"),
                Case(method: .post, path: "\(tenants)/\(nowhere)/keys", json: ["name": "k"], status: .notFound, code: "not_found"),
                Case(method: .patch, path: "/admin/v1/keys/\(key.id)", json: ["rpm_limit": -1], status: .unprocessableContent, code: "invalid"),
                Case(method: .patch, path: "/admin/v1/keys/\(key.id)", json: ["budget_period": nil], status: .badRequest, code: "bad_request"),
                Case(method: .patch, path: "/admin/v1/keys/\(nowhere)", json: ["name": "x"], status: .notFound, code: "not_found"),
                Case(method: .delete, path: "/admin/v1/keys/not-a-uuid", status: .notFound, code: "not_found"),
                Case(method: .delete, path: "/admin/v1/keys/\(nowhere)", status: .notFound, code: "not_found"),
                Case(method: .put, path: "/admin/v1/prices", raw: "{", status: .badRequest, code: "bad_request"),
                Case(method: .put, path: "/admin/v1/prices", json: ["currency": "USD", "video_reference_multiplier": "1.5", "video": "none", "image": []],
                     status: .badRequest, code: "bad_request"),
                Case(method: .put, path: "/admin/v1/prices",
                     json: ["currency": "USD", "video_reference_multiplier": "1.5", "video": [],
                            "image": [["model": "", "resolution": "1k", "micros_per_image": 1]]],
                     status: .unprocessableContent, code: "invalid"),
                Case(method: .get, path: "/admin/v1/prices/latest", status: .notFound, code: "not_found"),
                Case(method: .get, path: "/admin/v1/audit?cursor=abc", status: .badRequest, code: "bad_request"),
            ]
            #expect(cases.count >= 20)
            for bad in cases {
                let reply = try await client.send(bad.method, bad.path, token: admin.secret, json: bad.json, raw: bad.raw)
                #expect(reply.status == bad.status, "\(bad): \(reply.text)")
                #expect(reply.errorCode == bad.code, "\(bad): \(reply.text)")
                #expect(reply["error"]?["message"]?.stringValue?.isEmpty == false, "\(bad)")
            }

            // Nothing was written: every admin write is audited in its own transaction, and the
            // tenant, its key and its ledger are as they were.
            let id = try #require(UUID(uuidString: tenantID))
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM audit_log WHERE actor = \(admin.id)") == 0)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = \(id)") == 0)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM api_keys WHERE tenant_id = \(id)") == 1)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM tenants WHERE name = \(marker)") == 0)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM admin_tokens WHERE created_by = \(admin.id)") == 0)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM price_books WHERE created_by = \(admin.id)") == 0)
            #expect(try await client.admin(.get, "/admin/v1/tenants/\(tenantID)").json == tenantBefore)
            #expect(try await client.admin(.get, "/admin/v1/keys/\(key.id)").json == keyBefore)
        }
    }

    @Test func unknownFieldsAreIgnoredAndNullClearsALimit() async throws {
        try await TestGateway().run { client in
            let created = try await client.admin(.post, "/admin/v1/tenants",
                                                 json: ["name": "lenient", "rpm_limit": 5, "monthly_budget_micros": 9, "colour": "blue"])
            #expect(created.status == .created)
            #expect(created["colour"] == nil)
            let tenantID = try #require(created["id"]?.stringValue)
            let patched = try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["rpm_limit": nil, "unknown": 1])
            #expect(patched.status == .ok)
            #expect(patched["rpm_limit"] == .null)
            #expect(patched["monthly_budget_micros"] == 9)
        }
    }
}
