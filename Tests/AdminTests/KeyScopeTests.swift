import Foundation
import Gateway
import Hummingbird
import Kling
import Testing

/// Key `scopes`: set on create and PATCH, checked on every tenant route (403, code 1103).
@Suite struct KeyScopeTests {
    static let video = #"{"model_name":"kling-video-o1","prompt":"a fox","mode":"pro","duration":"5","aspect_ratio":"16:9"}"#
    static let allScopes: JSONValue = ["tasks:write", "tasks:read", "usage:read", "account:secrets"]

    /// Every tenant route and the scope it needs.
    static let routes: [(method: HTTPRequest.Method, path: String, body: String?, scope: String)] = [
        (.post, "/kling/v1/videos/omni-video", video, "tasks:write"),
        (.post, "/kling/v1/images/omni-image", #"{"model_name":"kling-image-o1","prompt":"x","n":1}"#, "tasks:write"),
        (.post, "/v1/estimate/videos/omni-video", video, "tasks:write"),
        (.post, "/v1/estimate/images/omni-image", #"{"model_name":"kling-image-o1","prompt":"x","n":1}"#, "tasks:write"),
        (.get, "/kling/v1/videos/omni-video/no-such-task", nil, "tasks:read"),
        (.get, "/kling/v1/videos/omni-video", nil, "tasks:read"),
        (.get, "/kling/v1/images/omni-image/no-such-task", nil, "tasks:read"),
        (.get, "/kling/v1/images/omni-image", nil, "tasks:read"),
        (.get, "/v1/usage?from=2026-01-01&to=2026-02-01", nil, "usage:read"),
        (.get, "/v1/statements/2026-01", nil, "usage:read"),
        (.get, "/v1/statements/2026-01.csv", nil, "usage:read"),
        (.get, "/v1/statements/2026-01.html", nil, "usage:read"),
    ]

    @Test func aKeyMadeWithoutScopesHasEveryScope() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID)
            #expect(try await client.admin(.get, "/admin/v1/keys/\(key.id)")["scopes"] == Self.allScopes)
            let account = try await client.send(.get, "/v1/account", token: key.secret)
            #expect(account["data"]?["webhook_secret"]?.stringValue?.hasPrefix("whsec_") == true)
            #expect(account["data"]?["key"]?["scopes"] == Self.allScopes)
        }
    }

    @Test func eachRouteRefusesAKeyWithoutItsScopeAndAcceptsAKeyWithAll() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let all = try await client.makeKey(tenantID: tenantID, ["scopes": Self.allScopes])
            for scope in ["tasks:write", "tasks:read", "usage:read", "account:secrets"] {
                let others = Self.allScopes.arrayValue!.filter { $0.stringValue != scope }
                let lacking = try await client.makeKey(tenantID: tenantID, ["name": .string("without \(scope)"), "scopes": .array(others)])
                for route in Self.routes {
                    let refused = try await client.send(route.method, route.path, token: lacking.secret, raw: route.body)
                    let passed = try await client.send(route.method, route.path, token: all.secret, raw: route.body)
                    if route.scope == scope {
                        #expect(refused.status == .forbidden, "\(route.method) \(route.path) without \(scope): \(refused.text)")
                        #expect(refused["code"] == 1103, "\(route.path): \(refused.text)")
                        #expect(refused["message"]?.stringValue?.contains(scope) == true)
                    } else {
                        #expect(refused["code"] != 1103, "\(route.path) refused for lacking \(scope): \(refused.text)")
                    }
                    #expect(passed.status != .forbidden && passed["code"] != 1103, "\(route.path) with every scope: \(passed.text)")
                }
                // every valid key reads its account; the secret only with account:secrets
                let account = try await client.send(.get, "/v1/account", token: lacking.secret)
                #expect(account.status == .ok)
                #expect((account["data"]?["webhook_secret"] != nil) == (scope != "account:secrets"))
            }
            let none = try await client.makeKey(tenantID: tenantID, ["name": "no scopes", "scopes": []])
            let account = try await client.send(.get, "/v1/account", token: none.secret)
            #expect(account.status == .ok)
            #expect(account["data"]?["webhook_secret"] == nil)
            #expect(try await client.send(.get, "/kling/v1/videos/omni-video", token: none.secret)["code"] == 1103)
        }
    }

    @Test func aSuspendedTenantStillReadsItsUsageAndStatements() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID, ["scopes": ["usage:read"]])
            #expect(try await client.admin(.patch, "/admin/v1/tenants/\(tenantID)", json: ["status": "suspended"]).status == .ok)
            let month = String(RFC3339.format(Date()).prefix(7))
            let usage = try await client.send(.get, "/v1/usage?from=2026-01-01&to=2030-01-01", token: key.secret)
            #expect(usage.status == .ok, "\(usage.text)")
            #expect(usage["data"]?["totals"]?["charged_micros"] == 0)
            let statement = try await client.send(.get, "/v1/statements/\(month)", token: key.secret)
            #expect(statement.status == .ok, "\(statement.text)")
            #expect(statement["data"]?["tenant_id"]?.stringValue == tenantID)
            #expect(statement["data"]?["closed"] == false)
            let notBegun = try await client.send(.get, "/v1/statements/2999-01", token: key.secret)
            #expect(notBegun.status == .notFound)
            #expect(notBegun["code"] == 1203)
        }
    }

    @Test func anUnknownScopeIsRefusedWith422AndChangesNothing() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let bad = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/keys", json: ["name": "k", "scopes": ["tasks:read", "tasks:delete"]])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorCode == "invalid")
            #expect(bad.text.contains("tasks:delete"))
            #expect(try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/keys", json: ["name": "k", "scopes": "tasks:read"]).status == .badRequest)
            let listed = try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/keys")
            #expect(listed["data"]?.arrayValue?.isEmpty == true)

            let key = try await client.makeKey(tenantID: tenantID, ["scopes": ["usage:read"]])
            let patchBad = try await client.admin(.patch, "/admin/v1/keys/\(key.id)", json: ["scopes": ["admin"]])
            #expect(patchBad.status == .unprocessableContent)
            #expect(try await client.admin(.get, "/admin/v1/keys/\(key.id)")["scopes"] == ["usage:read"])
        }
    }

    @Test func aPatchChangesScopesFromTheNextRequest() async throws {
        try await TestGateway().run { client in
            let tenantID = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenantID, ["scopes": ["usage:read", "tasks:read", "tasks:read"]])
            #expect(try await client.admin(.get, "/admin/v1/keys/\(key.id)")["scopes"] == ["tasks:read", "usage:read"])
            #expect(try await client.send(.get, "/kling/v1/videos/omni-video", token: key.secret).status == .ok)

            let patched = try await client.admin(.patch, "/admin/v1/keys/\(key.id)", json: ["scopes": ["usage:read"]])
            #expect(patched["scopes"] == ["usage:read"])
            #expect(try await client.send(.get, "/kling/v1/videos/omni-video", token: key.secret)["code"] == 1103)
            // null gives every scope back
            #expect(try await client.admin(.patch, "/admin/v1/keys/\(key.id)", json: ["scopes": .null])["scopes"] == Self.allScopes)
            #expect(try await client.send(.get, "/kling/v1/videos/omni-video", token: key.secret).status == .ok)
        }
    }
}
