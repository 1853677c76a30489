import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Logging
import Postgres
import Testing

/// issue 10 defects 3 and 8: a query parameter a route does not take is refused, never ignored, and a
/// path no route has answers 404 (405 when only the method is wrong) with its API family's error body.
@Suite struct StrictInputTests {
    /// A harmless value for each documented parameter (a bad value would be its own, named, 400).
    static let sample: [String: String] = [
        "pageNum": "1", "pageSize": "10", "limit": "10", "cursor": "", "tenant_id": UUID().uuidString, "key_id": UUID().uuidString,
        "status": "succeeded", "from": "2020-01-01", "to": "2030-01-01", "group_by": "tenant", "kind": "credit", "resource_id": "x",
    ]

    /// The router of a gateway with an upstream configured (so that the upstream callback route exists).
    func withGateway(_ body: @Sendable (TestGateway.Client, String) async throws -> Void) async throws {
        let gateway = try await TestGateway()
        var config = try GatewayConfig.fromEnvironment(["OMNIMETER_DATABASE_URL": gateway.pool.url, "OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:9/kling"])
        config.adminToken = TestGateway.bootstrapToken
        let app = Application(router: Gateway(config: config, pool: gateway.pool, logger: gateway.logs.logger).makeRouter())
        try await app.test(.router) { client in
            let admin = TestGateway.Client(client: client)
            let tenant = try await admin.makeTenant()
            let key = try await admin.makeKey(tenantID: tenant)
            try await body(admin, key.secret)
        }
    }

    @Test func everyRouteTakesItsDocumentedParametersAndRefusesAnUnknownOne() async throws {
        try await withGateway { client, tenantKey in
            for (route, parameters) in RouteTable.declared.sorted(by: { $0.key < $1.key }) {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPRequest.Method(parts[0])!
                let path = "/" + parts[1].split(separator: "/").map { $0.hasPrefix("{") ? ($0 == "{version}" ? "1" : UUID().uuidString.lowercased()) : String($0) }
                    .joined(separator: "/")
                let family = APIFamily(path: path)
                guard family != .other else { continue }
                let token = family == .tenant ? tenantKey : TestGateway.bootstrapToken
                let documented = parameters.sorted().map { "\($0)=\(Self.sample[$0] ?? "1")" }.joined(separator: "&")

                let known = try await client.send(method, documented.isEmpty ? path : "\(path)?\(documented)", token: token, raw: "{}")
                #expect(!known.text.contains("unknown query parameter"), "\(route) refused its own parameters: \(known.text)")
                let unrouted = known.json["code"]?.int64Value == 1202 || known.errorCode == "method_not_allowed"
                    || known.json["error"]?["message"]?.stringValue?.hasPrefix("no route") == true
                #expect(!unrouted, "\(route) is not routed: \(known.text)")

                let separator = documented.isEmpty ? "?" : "?\(documented)&"
                let unknown = try await client.send(method, "\(path)\(separator)colour=blue", token: token, raw: "{}")
                #expect(unknown.status == .badRequest, "\(route): \(unknown.status) \(unknown.text)")
                #expect(unknown.text.contains("colour"), "\(route): the message does not name the parameter: \(unknown.text)")
                if family == .tenant {
                    #expect(unknown.json["code"]?.int64Value == 1200, "\(route): \(unknown.text)")
                    #expect(unknown.json["request_id"]?.stringValue?.isEmpty == false)
                } else {
                    #expect(unknown.errorCode == "bad_request", "\(route): \(unknown.text)")
                }
            }
        }
    }

    /// The filter is `status`: `state=failed` once answered a list of every state.
    @Test func aMisspeltTaskFilterIsRefusedNotIgnored() async throws {
        try await withGateway { client, tenantKey in
            let reply = try await client.admin(.get, "/admin/v1/tasks?state=failed")
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "bad_request")
            #expect(reply.json["error"]?["message"]?.stringValue?.hasPrefix("state:") == true, "\(reply.text)")
            let tenant = try await client.send(.get, "/kling/v1/videos/omni-video?page=2", token: tenantKey)
            #expect(tenant.status == .badRequest)
            #expect(tenant.json["code"]?.int64Value == 1200)
            #expect(tenant.text.contains("page"))
            let fine = try await client.send(.get, "/kling/v1/videos/omni-video?pageNum=1&pageSize=5", token: tenantKey)
            #expect(fine.status == .ok)
        }
    }

    @Test func unknownPathsAndMethodsAnswerWithTheirFamilysBody() async throws {
        try await withGateway { client, tenantKey in
            for path in ["/kling/v1/videos/omni-audio", "/kling/v2/anything", "/v1/nothing/here", "/kling/v1/videos/omni-video/x/y"] {
                let reply = try await client.send(.get, path, token: tenantKey)
                #expect(reply.status == .notFound, "\(path)")
                #expect(reply.json["code"]?.int64Value == 1202, "\(path): \(reply.text)")
                #expect(reply.json["message"]?.stringValue?.isEmpty == false)
                #expect(reply.json["request_id"]?.stringValue?.isEmpty == false)
            }
            let wrongMethod = try await client.send(.delete, "/kling/v1/videos/omni-video", token: tenantKey)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.json["code"]?.int64Value == 1202, "\(wrongMethod.text)")
            let estimate = try await client.send(.get, "/v1/estimate/images/omni-image", token: tenantKey)
            #expect(estimate.status == .methodNotAllowed)
            #expect(estimate.json["code"]?.int64Value == 1202)

            for path in ["/admin/v1/nothing", "/admin/v2/tenants", "/admin/v1/tenants/\(UUID().uuidString)/nothing"] {
                let reply = try await client.admin(.get, path)
                #expect(reply.status == .notFound, "\(path)")
                #expect(reply.errorCode == "not_found", "\(path): \(reply.text)")
                #expect(reply.json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
            let put = try await client.admin(.put, "/admin/v1/tenants/\(UUID().uuidString)")
            #expect(put.status == .methodNotAllowed)
            #expect(put.errorCode == "method_not_allowed", "\(put.text)")
            // without a token too: the route is not there whoever asks
            let anonymous = try await client.send(.post, "/admin/v1/reconcile", token: nil)
            #expect(anonymous.status == .methodNotAllowed)
            #expect(anonymous.errorCode == "method_not_allowed")
        }
    }

    /// A route registered without an entry in RouteTable would take no parameter at all (or those
    /// /openapi.json declares): every route the router registers is in the table.
    @Test func everyRegisteredRouteIsInTheParameterTable() throws {
        let config = try GatewayConfig.fromEnvironment(["OMNIMETER_DATABASE_URL": "postgresql://unused@127.0.0.1:1/unused",
                                                        "OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:1/kling"])
        let router = Gateway(config: config, pool: PostgresPool(url: config.databaseURL, maxConnections: 1), logger: .init(label: "t")).makeRouter()
        let declared = Set(RouteTable.declared.keys.map(RouteCatalog.normalize))
        let registered = router.routes.map { RouteCatalog.normalize("\($0.method.rawValue) \($0.path)") }
        #expect(registered.count > 20)
        for route in registered where !declared.contains(route) {
            Issue.record("\(route) is registered but not in RouteTable (Sources/Gateway/Routing/RouteTable.swift)")
        }
    }

    @Test func theCatalogMatchesTheOpenAPIDocument() throws {
        let documented = RouteCatalog.documentedOperations(OpenAPIDocument.json)
        let declared = Dictionary(uniqueKeysWithValues: RouteTable.declared.map { (RouteCatalog.normalize($0.key), $0.value) })
        for (route, parameters) in declared {
            #expect(documented[route] == parameters, "\(route): table \(parameters.sorted()), /openapi.json \(documented[route]?.sorted() ?? [])")
        }
        for route in documented.keys where declared[route] == nil {
            Issue.record("\(route) is in /openapi.json but not in RouteTable")
        }
        let catalog = RouteCatalog.shared
        #expect(catalog.methods(forPath: "/admin/v1/tenants/abc") == ["GET", "PATCH"])
        #expect(catalog.methods(forPath: "/admin/v1/tenants/abc/") == ["GET", "PATCH"])
        #expect(catalog.methods(forPath: "/nowhere").isEmpty)
    }
}
