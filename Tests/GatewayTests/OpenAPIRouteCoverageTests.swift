import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Logging
import Postgres
import Testing

/// `/openapi.json` and the router agree: every route the router registers is in the document, and
/// every operation of the document is registered. Routes added without their document (or the other
/// way round) fail here. No database is needed: routes are registered without one.
@Suite struct OpenAPIRouteCoverageTests {
    /// Catch-alls (`*`, `**`) that only answer 404/405 for their family are not operations of the API.
    static func isCatchAll(_ path: String) -> Bool { path.contains("*") }

    /// `METHOD /path/<>`: captures lose their names (the router says `{taskID}` where the document says `{task_id}`).
    static func normalized(_ method: String, _ path: String) -> String {
        var path = path
        while let open = path.firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
            path.replaceSubrange(open...close, with: "<>")
        }
        return "\(method.uppercased()) \(path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path)"
    }

    /// A gateway configured so that every optional route is registered too (the upstream callbacks need
    /// an upstream); its pool never connects, because nothing here is called but `/openapi.json`.
    static func router() throws -> Router<GatewayContext> {
        let environment = [
            "OMNIMETER_DATABASE_URL": "postgresql://unused@127.0.0.1:1/unused",
            "OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:1/kling",
            "OMNIMETER_PUBLIC_URL": "http://127.0.0.1:1",
            "OMNIMETER_ADMIN_TOKEN": "unused-admin-token",
        ]
        let config = try GatewayConfig.fromEnvironment(environment)
        var logger = Logger(label: "openapi-coverage")
        logger.logLevel = .critical
        return Gateway(config: config, pool: PostgresPool(url: config.databaseURL, maxConnections: 1), logger: logger).makeRouter()
    }

    @Test func everyRegisteredRouteIsInTheDocumentAndEveryDocumentedOperationIsRegistered() async throws {
        let router = try Self.router()
        let registered = Set(router.routes.filter { !Self.isCatchAll("\($0.path)") }.map { Self.normalized($0.method.rawValue, "\($0.path)") })
        #expect(registered.count > 20, "the router registered only \(registered.count) routes")

        let document = try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                return try JSONValue.decode(Data(buffer: response.body))
            }
        }
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var documented: Set<String> = []
        for (path, item) in try #require(document["paths"]?.objectValue, "/openapi.json has no paths") {
            for method in (item.objectValue ?? [:]).keys where methods.contains(method) {
                documented.insert(Self.normalized(method, path))
            }
        }

        for route in registered.subtracting(documented).sorted() {
            Issue.record("\(route) is registered but not in Sources/Gateway/OpenAPI/openapi.json")
        }
        for route in documented.subtracting(registered).sorted() {
            Issue.record("\(route) is in Sources/Gateway/OpenAPI/openapi.json but the router does not register it")
        }
    }

    @Test func namesOfCapturesDoNotMatterButTheirPlaceDoes() {
        #expect(Self.normalized("post", "/v1/upstream-callbacks/{taskID}") == Self.normalized("POST", "/v1/upstream-callbacks/{task_id}"))
        #expect(Self.normalized("get", "/admin/v1/keys/{id}") != Self.normalized("get", "/admin/v1/keys"))
        #expect(Self.isCatchAll("/kling/**") && !Self.isCatchAll("/kling/v1/videos/omni-video/{id}"))
    }
}
