import Foundation
import Hummingbird
import Kling
import Testing

/// Who may call what: 401 without a valid token, 403 for finance on every write, reads for both roles.
@Suite struct RoleTests {
    struct Route: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: JSONValue?
        /// What an admin gets.
        var success: HTTPResponse.Status
        var description: String { "\(method) \(path)" }
    }

    /// Every admin route, with ids made for this test.
    func routes(_ client: TestGateway.Client) async throws -> (writes: [Route], reads: [Route]) {
        let tenantID = try await client.makeTenant()
        let key = try await client.makeKey(tenantID: tenantID)
        let keyToRevoke = try await client.makeKey(tenantID: tenantID)
        let tokenToRevoke = try await client.makeToken("finance")
        let book = try await client.admin(.get, "/admin/v1/prices").json
        let writes = [
            Route(method: .post, path: "/admin/v1/tokens", body: ["name": "ops", "role": "finance"], success: .created),
            Route(method: .delete, path: "/admin/v1/tokens/\(tokenToRevoke.id)", success: .ok),
            Route(method: .post, path: "/admin/v1/tenants", body: ["name": "role test"], success: .created),
            Route(method: .patch, path: "/admin/v1/tenants/\(tenantID)", body: ["rpm_limit": 60], success: .ok),
            Route(method: .post, path: "/admin/v1/tenants/\(tenantID)/credits", body: ["amount_micros": 1_000, "reason": "role test"], success: .created),
            Route(method: .post, path: "/admin/v1/tenants/\(tenantID)/keys", body: ["name": "role key"], success: .created),
            Route(method: .patch, path: "/admin/v1/keys/\(key.id)", body: ["name": "renamed"], success: .ok),
            Route(method: .delete, path: "/admin/v1/keys/\(keyToRevoke.id)", success: .ok),
            Route(method: .put, path: "/admin/v1/prices", body: book, success: .created),
        ]
        let reads = [
            Route(method: .get, path: "/admin/v1/tenants", success: .ok),
            Route(method: .get, path: "/admin/v1/tenants/\(tenantID)", success: .ok),
            Route(method: .get, path: "/admin/v1/tenants/\(tenantID)/keys", success: .ok),
            Route(method: .get, path: "/admin/v1/keys/\(key.id)", success: .ok),
            Route(method: .get, path: "/admin/v1/prices", success: .ok),
            Route(method: .get, path: "/admin/v1/prices/1", success: .ok),
            Route(method: .get, path: "/admin/v1/audit", success: .ok),
        ]
        return (writes, reads)
    }

    @Test func everyRouteRefusesAMissingUnknownOrRevokedToken() async throws {
        try await TestGateway().run { client in
            let revoked = try await client.makeToken("admin")
            #expect(try await client.admin(.delete, "/admin/v1/tokens/\(revoked.id)").status == .ok)
            let (writes, reads) = try await routes(client)
            for route in writes + reads + [Route(method: .get, path: "/admin/v1/tokens", success: .ok)] {
                for token in [nil, "omt_not-a-token", revoked.secret] {
                    let reply = try await client.send(route.method, route.path, token: token, json: route.body)
                    #expect(reply.status == .unauthorized, "\(route) with token \(token ?? "none")")
                    #expect(reply.errorCode == "unauthenticated", "\(route)")
                }
            }
        }
    }

    @Test func financeMayReadButEveryWriteIsForbiddenAndWritesNothing() async throws {
        try await TestGateway().run { client in
            let finance = try await client.makeToken("finance")
            let (writes, reads) = try await routes(client)
            for route in writes {
                let reply = try await client.send(route.method, route.path, token: finance.secret, json: route.body)
                #expect(reply.status == .forbidden, "\(route): \(reply.text)")
                #expect(reply.errorCode == "forbidden", "\(route)")
            }
            for route in reads {
                let reply = try await client.send(route.method, route.path, token: finance.secret)
                #expect(reply.status == .ok, "\(route): \(reply.text)")
            }
            let tokens = try await client.send(.get, "/admin/v1/tokens", token: finance.secret)
            #expect(tokens.status == .forbidden)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM audit_log WHERE actor = \(finance.id)") == 0)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM ledger_entries WHERE actor = \(finance.id)") == 0)
        }
    }

    @Test func anAdminTokenMayDoEverything() async throws {
        try await TestGateway().run { client in
            let admin = try await client.makeToken("admin")
            let (writes, reads) = try await routes(client)
            for route in writes + reads + [Route(method: .get, path: "/admin/v1/tokens", success: .ok)] {
                let reply = try await client.send(route.method, route.path, token: admin.secret, json: route.body)
                #expect(reply.status == route.success, "\(route): \(reply.text)")
            }
            // each write is recorded under the token that made it
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM audit_log WHERE actor = \(admin.id)") == Int64(writes.count))
        }
    }

    @Test func withoutABootstrapTokenTheAdminAPIRefusesEveryToken() async throws {
        let stored = try await TestGateway().run { try await $0.makeToken("admin") }
        try await TestGateway(adminToken: nil).run { client in
            for token in [stored.secret, TestGateway.bootstrapToken] {
                let reply = try await client.send(.get, "/admin/v1/tenants", token: token)
                #expect(reply.status == .unauthorized)
            }
        }
    }
}
