import Accounting
import Foundation
import Kling
import Testing

/// A secret is shown once, in the answer that creates it, and nowhere else: not in any later answer,
/// not in the audit log, not in the logs.
@Suite struct SecretTests {
    @Test func aKeySecretAppearsOnlyInItsCreateAnswer() async throws {
        let gateway = try await TestGateway()
        try await gateway.run { client in
            let tenantID = try await client.makeTenant()
            let created = try await client.admin(.post, "/admin/v1/tenants/\(tenantID)/keys", json: ["name": "shown once"])
            let secret = try #require(created["key"]?.stringValue)
            let keyID = try #require(created["id"]?.stringValue)
            #expect(secret.hasPrefix("omk_"))
            #expect(created["prefix"]?.stringValue == Secrets.displayPrefix(secret))
            let hashHex = Secrets.hash(secret).map { String(format: "%02x", $0) }.joined()

            let later = [
                try await client.admin(.get, "/admin/v1/tenants/\(tenantID)/keys"),
                try await client.admin(.get, "/admin/v1/keys/\(keyID)"),
                try await client.admin(.patch, "/admin/v1/keys/\(keyID)", json: ["rpm_limit": 10]),
                try await client.send(.get, "/v1/account", token: secret),
                try await client.admin(.get, "/admin/v1/audit?resource_id=\(keyID)"),
                try await client.admin(.delete, "/admin/v1/keys/\(keyID)"),
                try await client.admin(.get, "/admin/v1/audit?limit=200"),
            ]
            for reply in later {
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(!reply.text.contains(secret))
                #expect(!reply.text.contains(hashHex))
                #expect(!reply.text.contains("secret_hash"))
            }
            #expect(gateway.logs.count > 0, "the routes log, so the search below means something")
            #expect(!gateway.logs.text.contains(secret))
        }
    }

    @Test func anAdminTokenSecretAppearsOnlyInItsCreateAnswer() async throws {
        let gateway = try await TestGateway()
        try await gateway.run { client in
            let created = try await client.admin(.post, "/admin/v1/tokens", json: ["name": "auditor", "role": "finance"])
            #expect(created.status == .created)
            let secret = try #require(created["token"]?.stringValue)
            let id = try #require(created["id"]?.stringValue)
            #expect(secret.hasPrefix("omt_"))
            #expect(created["role"] == "finance")
            #expect(created["created_at"]?.stringValue != nil)

            let later = [
                try await client.send(.get, "/admin/v1/tenants", token: secret),
                try await client.admin(.get, "/admin/v1/tokens"),
                try await client.admin(.get, "/admin/v1/audit?resource_id=\(id)"),
                try await client.admin(.delete, "/admin/v1/tokens/\(id)"),
            ]
            for reply in later {
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(!reply.text.contains(secret))
                #expect(!reply.text.contains("token_hash"))
            }
            #expect(!gateway.logs.text.contains(secret))
            #expect(!gateway.logs.text.contains(TestGateway.bootstrapToken))
        }
    }
}
