import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Postgres
import Testing

/// `/admin/v1/channels` (docs/channels.md): create, list, read, change and delete, audited; secrets are
/// write-only (never answered, logged or audited); the built-in `default` channel is shown read-only
/// while no channel row is enabled. Each test has its own database: channel rows route every task there.
@Suite struct ChannelAdminTests {
    static let upstream = "http://127.0.0.1:9/kling"

    static func withGateway(upstreamURL: String? = ChannelAdminTests.upstream,
                            _ body: @Sendable (TestGateway.Client, PostgresPool, LogRecorder) async throws -> Void) async throws {
        let (name, url) = try await TestDatabase.fresh()
        let pool = PostgresPool(url: url, maxConnections: 4)
        var environment = ["OMNIMETER_DATABASE_URL": url, "OMNIMETER_UPSTREAM_KEY": "built-in-secret-key"]
        environment["OMNIMETER_UPSTREAM_URL"] = upstreamURL
        var config = try GatewayConfig.fromEnvironment(environment)
        config.adminToken = TestGateway.bootstrapToken
        let logs = LogRecorder()
        let gateway = Gateway(config: config, pool: pool, logger: logs.logger)
        let app = Application(router: gateway.makeRouter(), logger: logs.logger)
        do {
            try await app.test(.router) { client in try await body(TestGateway.Client(client: client), pool, logs) }
        } catch {
            await pool.close()
            await TestDatabase.drop(name)
            throw error
        }
        await pool.close()
        await TestDatabase.drop(name)
    }

    static let bearer: JSONValue = ["name": "cometapi", "base_url": "https://api.cometapi.com/kling", "api_key": "sk-comet-SECRET-1"]
    static let kling: JSONValue = ["name": "kling", "base_url": "https://api-singapore.klingai.com", "access_key": "AK-SECRET-2",
                                   "secret_key": "SK-SECRET-3", "priority": 1, "weight": 3, "models": ["kling-video-o1"],
                                   "cost_multiplier": "0.85"]
    static let secrets = ["sk-comet-SECRET-1", "AK-SECRET-2", "SK-SECRET-3", "SK-NEW-SECRET-4", "built-in-secret-key"]

    func expectNoSecret(_ text: String, _ place: String) {
        for secret in Self.secrets { #expect(!text.contains(secret), "\(place) shows \(secret)") }
    }

    @Test func aChannelIsCreatedWithDefaultsAndItsSecretIsNeverAnswered() async throws {
        try await Self.withGateway { client, _, logs in
            let created = try await client.admin(.post, "/admin/v1/channels", json: Self.bearer)
            #expect(created.status == .created, "\(created.text)")
            #expect(created["auth"]?.stringValue == "bearer")
            #expect(created["priority"]?.int64Value == 10)
            #expect(created["weight"]?.int64Value == 1)
            #expect(created["enabled"]?.boolValue == true)
            #expect(created["cost_multiplier"]?.stringValue == "1")
            #expect(created["models"] == .null)
            #expect(created["read_only"]?.boolValue == false)
            let id = try #require(created["id"]?.stringValue)

            let kling = try await client.admin(.post, "/admin/v1/channels", json: Self.kling)
            #expect(kling.status == .created, "\(kling.text)")
            #expect(kling["auth"]?.stringValue == "jwt")
            #expect(kling["cost_multiplier"]?.stringValue == "0.85")
            #expect(kling["models"]?.arrayValue?.count == 1)

            let one = try await client.admin(.get, "/admin/v1/channels/\(id)")
            #expect(one.status == .ok)
            #expect(one["name"]?.stringValue == "cometapi")
            let list = try await client.admin(.get, "/admin/v1/channels")
            let ids = list["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.count == 2, "the built-in channel is gone once a row is enabled: \(ids)")
            #expect(!ids.contains("default"))
            #expect(ids.first == kling["id"]?.stringValue, "lowest priority first")

            let patched = try await client.admin(.patch, "/admin/v1/channels/\(try #require(kling["id"]?.stringValue))",
                                                 json: ["secret_key": "SK-NEW-SECRET-4", "access_key": "AK-SECRET-2", "weight": 5])
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched["weight"]?.int64Value == 5)

            for reply in [created, kling, one, list, patched] { expectNoSecret(reply.text, "an answer") }
            let audit = try await client.admin(.get, "/admin/v1/audit?limit=50")
            #expect(audit.text.contains("channel.create"))
            #expect(audit.text.contains("channel.update"))
            expectNoSecret(audit.text, "the audit log")
            expectNoSecret(logs.text, "the logs")
        }
    }

    @Test func theBuiltInChannelIsShownReadOnlyWhileNoRowIsEnabled() async throws {
        try await Self.withGateway { client, _, _ in
            let list = try await client.admin(.get, "/admin/v1/channels")
            #expect(list.status == .ok)
            let rows = try #require(list["data"]?.arrayValue)
            #expect(rows.count == 1)
            #expect(rows.first?["id"]?.stringValue == "default")
            #expect(rows.first?["name"]?.stringValue == "default")
            #expect(rows.first?["base_url"]?.stringValue == Self.upstream)
            #expect(rows.first?["cost_multiplier"]?.stringValue == "1")
            #expect(rows.first?["read_only"]?.boolValue == true)
            #expect(rows.first?["auth"]?.stringValue == "bearer")
            expectNoSecret(list.text, "the list")
            #expect(try await client.admin(.get, "/admin/v1/channels/default")["id"]?.stringValue == "default")

            let patch = try await client.admin(.patch, "/admin/v1/channels/default", json: ["weight": 2])
            #expect(patch.status == .conflict)
            #expect(patch.errorCode == "conflict")
            #expect(try await client.admin(.delete, "/admin/v1/channels/default").status == .conflict)

            // a disabled row does not replace it
            var disabled = Self.bearer.objectValue ?? [:]
            disabled["enabled"] = false
            #expect(try await client.admin(.post, "/admin/v1/channels", json: .object(disabled)).status == .created)
            let after = try await client.admin(.get, "/admin/v1/channels")
            #expect(after["data"]?.arrayValue?.first?["id"]?.stringValue == "default")
            #expect(after["data"]?.arrayValue?.count == 2)
        }
    }

    @Test func withNoUpstreamConfiguredAndNoRowTheListIsEmpty() async throws {
        try await Self.withGateway(upstreamURL: nil) { client, _, _ in
            let list = try await client.admin(.get, "/admin/v1/channels")
            #expect(list["data"]?.arrayValue?.isEmpty == true)
            #expect(try await client.admin(.get, "/admin/v1/channels/default").status == .notFound)
        }
    }

    @Test func aDeletedChannelIsGoneFromTheAPIButKeptForItsTasks() async throws {
        try await Self.withGateway { client, pool, _ in
            let created = try await client.admin(.post, "/admin/v1/channels", json: Self.bearer)
            let id = try #require(created["id"]?.stringValue)
            let deleted = try await client.admin(.delete, "/admin/v1/channels/\(id)")
            #expect(deleted.status == .ok)
            #expect(try await client.admin(.get, "/admin/v1/channels/\(id)").status == .notFound)
            #expect(try await client.admin(.delete, "/admin/v1/channels/\(id)").status == .notFound)
            #expect(try await ChannelStore(pool: pool).find(id)?.deletedAt != nil)
            // the name is free again
            #expect(try await client.admin(.post, "/admin/v1/channels", json: Self.bearer).status == .created)
            #expect(try await client.admin(.get, "/admin/v1/audit?limit=50").text.contains("channel.delete"))
        }
    }

    @Test func unknownChannelsAre404() async throws {
        try await Self.withGateway { client, _, _ in
            for method in [HTTPRequest.Method.get, .delete] {
                let reply = try await client.admin(method, "/admin/v1/channels/no-such-channel")
                #expect(reply.status == .notFound)
                #expect(reply.errorCode == "not_found")
            }
            #expect(try await client.admin(.patch, "/admin/v1/channels/\(UUID().uuidString)", json: ["weight": 2]).status == .notFound)
        }
    }

    @Test func badFieldsAreRefusedAndChangeNothing() async throws {
        try await Self.withGateway { client, pool, _ in
            let cases: [(JSONValue, HTTPResponse.Status)] = [
                (["base_url": "https://x.example"], .badRequest),                                    // no name
                (["name": "x"], .badRequest),                                                         // no base_url
                (["name": "x", "base_url": "ftp://x.example"], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "cost_multiplier": "0"], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "cost_multiplier": "1.12345678"], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "cost_multiplier": "-1"], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "cost_multiplier": 1], .unprocessableContent),  // as the rate cards' multiplier
                (["name": "x", "base_url": "https://x.example", "weight": -1], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "weight": "2"], .badRequest),
                (["name": "x", "base_url": "https://x.example", "models": ["gpt-4"]], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "api_key": "k", "access_key": "a", "secret_key": "s"], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "access_key": "a"], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "enabled": "yes"], .badRequest),
                (["name": "x", "base_url": "https://x.example",
                  "cost": ["video": [["model": "kling-video-o1", "mode": "std", "sound": "maybe", "micros_per_second": 1]]]], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example",
                  "cost": ["video": [["model": "kling-video-o1", "mode": "std", "sound": "off", "micros_per_second": -5]]]], .unprocessableContent),
                (["name": "x", "base_url": "https://x.example", "cost": "cheap"], .badRequest),
            ]
            for (body, status) in cases {
                let reply = try await client.admin(.post, "/admin/v1/channels", json: body)
                #expect(reply.status == status, "\(body.encodedString()) answered \(reply.status): \(reply.text)")
                #expect(reply.errorCode != nil)
            }
            #expect(try await pool.queryFirst("SELECT count(*) AS n FROM channels")?.decode(Int64.self, "n") == 0)

            let created = try await client.admin(.post, "/admin/v1/channels", json: Self.bearer)
            let id = try #require(created["id"]?.stringValue)
            #expect(try await client.admin(.post, "/admin/v1/channels", json: Self.bearer).status == .conflict, "names are unique")
            #expect(try await client.admin(.patch, "/admin/v1/channels/\(id)", json: ["cost_multiplier": "abc"]).status == .unprocessableContent)
            #expect(try await client.admin(.patch, "/admin/v1/channels/\(id)", json: ["name": nil]).status == .badRequest)
            #expect(try await client.admin(.get, "/admin/v1/channels/\(id)")["cost_multiplier"]?.stringValue == "1")
        }
    }

    @Test func costRowsAreKeptInThePriceBookShape() async throws {
        try await Self.withGateway { client, _, _ in
            let body: JSONValue = ["name": "rows", "base_url": "https://x.example", "cost_multiplier": "0.5",
                                   "cost": ["video": [["model": "kling-video-o1", "mode": "pro", "sound": "off", "micros_per_second": 90000]],
                                            "image": [["model": "kling-image-o1", "resolution": "1k", "micros_per_image": 20000]]]]
            let created = try await client.admin(.post, "/admin/v1/channels", json: body)
            #expect(created.status == .created, "\(created.text)")
            #expect(created["cost"]?["video"]?.arrayValue?.first?["micros_per_second"]?.int64Value == 90000)
            #expect(created["cost"]?["image"]?.arrayValue?.first?["micros_per_image"]?.int64Value == 20000)
            let id = try #require(created["id"]?.stringValue)
            let patched = try await client.admin(.patch, "/admin/v1/channels/\(id)", json: ["cost": ["video": []]])
            #expect(patched["cost"]?["video"]?.arrayValue?.isEmpty == true)
            #expect(patched["cost"]?["image"]?.arrayValue?.isEmpty == true)
            #expect(patched["cost_multiplier"]?.stringValue == "0.5")
        }
    }

    @Test func aFinanceTokenReadsChannelsButCannotChangeThem() async throws {
        try await Self.withGateway { client, _, _ in
            let finance = try await client.makeToken("finance")
            #expect(try await client.send(.get, "/admin/v1/channels", token: finance.secret).status == .ok)
            #expect(try await client.send(.post, "/admin/v1/channels", token: finance.secret, json: Self.bearer).status == .forbidden)
        }
    }
}
