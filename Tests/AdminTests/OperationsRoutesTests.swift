import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Logging
import Postgres
import Testing

/// The operators' routes (issue #7): `GET /openapi.json` describes the whole contract, and `GET /metrics`
/// renders request counters by route pattern and the gauges read from PostgreSQL.
@Suite struct OperationsRoutesTests {
    /// Every route of the API (docs/api.md), as (method, OpenAPI path).
    static let contractRoutes: [(String, String)] = [
        ("post", "/kling/v1/videos/omni-video"), ("get", "/kling/v1/videos/omni-video"), ("get", "/kling/v1/videos/omni-video/{id}"),
        ("post", "/kling/v1/images/omni-image"), ("get", "/kling/v1/images/omni-image"), ("get", "/kling/v1/images/omni-image/{id}"),
        ("post", "/v1/estimate/videos/omni-video"), ("post", "/v1/estimate/images/omni-image"), ("get", "/v1/account"),
        ("post", "/admin/v1/tokens"), ("post", "/admin/v1/tenants"), ("get", "/admin/v1/tenants"),
        ("get", "/admin/v1/tenants/{id}"), ("patch", "/admin/v1/tenants/{id}"), ("post", "/admin/v1/tenants/{id}/credits"),
        ("post", "/admin/v1/tenants/{id}/keys"), ("get", "/admin/v1/tenants/{id}/keys"), ("patch", "/admin/v1/keys/{id}"),
        ("delete", "/admin/v1/keys/{id}"), ("get", "/admin/v1/prices"), ("put", "/admin/v1/prices"), ("get", "/admin/v1/tasks"),
        ("get", "/admin/v1/tenants/{id}/ledger"), ("get", "/admin/v1/reports/usage"), ("get", "/admin/v1/reports/usage.csv"),
        ("get", "/admin/v1/reconcile"), ("get", "/healthz"), ("get", "/readyz"), ("get", "/metrics"), ("get", "/openapi.json"),
    ]

    @Test func theOpenAPIDocumentIsVersion31AndDescribesEveryContractRoute() async throws {
        try await withGateway { client in
            let (status, body) = try await client.get("/openapi.json")
            #expect(status == 200)
            let document = try JSONValue.decode(Data(body.utf8))
            #expect(document["openapi"]?.stringValue == "3.1.0")
            for (method, path) in Self.contractRoutes {
                #expect(document["paths"]?[path]?[method] != nil, "\(method.uppercased()) \(path) is not in /openapi.json")
            }
            #expect(document["components"]?["securitySchemes"]?["TenantKey"] != nil)
            #expect(document["components"]?["securitySchemes"]?["AdminToken"] != nil)
        }
    }

    @Test func metricsShowTheDatabaseGaugesAndRequestsByRoutePattern() async throws {
        GatewayMetrics.bootstrap()
        let rawID = "no-such-task-\(UUID().uuidString.prefix(8))"
        try await withGateway { client in
            _ = try await client.get("/healthz")
            _ = try await client.get("/kling/v1/videos/omni-video/\(rawID)")  // 401: no key
            let (status, text) = try await client.get("/metrics")
            #expect(status == 200)
            #expect(text.contains("omnimeter_database_up 1"))
            for gauge in ["omnimeter_open_reservations", "omnimeter_open_reserved_micros", "omnimeter_open_tasks{state=\"reserved\"}",
                          "omnimeter_poll_lag_seconds", "omnimeter_callback_outbox_backlog"] {
                #expect(text.contains(gauge), "\(gauge) missing from /metrics")
            }
            #expect(text.contains(#"omnimeter_http_requests_total{route="/healthz",method="GET",status="200"}"#))
            #expect(text.contains(#"route="/kling/v1/videos/omni-video/"#))
            #expect(!text.contains(rawID), "a raw path made its own series")
        }
    }

    /// A gateway over the test database (migrated), with no upstream: these routes need none.
    func withGateway(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let pool = try await TestDatabase.pool()
        var logger = Logger(label: "operations-test")
        logger.logLevel = .warning
        let gateway = Gateway(config: try GatewayConfig.fromEnvironment(["OMNIMETER_DATABASE_URL": pool.url]), pool: pool, logger: logger)
        try await Application(router: gateway.makeRouter()).test(.router) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    fileprivate func get(_ path: String) async throws -> (Int, String) {
        try await execute(uri: path, method: .get) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }
}
