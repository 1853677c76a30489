import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing

/// The report routes in-process under `/admin/v1` with the admin error body, as the gateway mounts
/// them (without the admin authentication, which the caller of `register` applies and tests elsewhere).
enum Routes {
    static func test<T: Sendable>(_ pool: PostgresPool, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let router = Router(context: GatewayContext.self)
        ReportRoutes(pool: pool).register(on: router.group("admin/v1").add(middleware: AdminErrorMiddleware()))
        return try await Application(router: router).test(.router) { client in try await body(client) }
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
    }

    /// A JSON body as plain dictionaries, for field-by-field checks.
    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        return try #require(object as? [String: Any])
    }

    static func text(_ response: TestResponse) -> String {
        String(buffer: response.body)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, percent-encoded where a query needs it.
    static func q(_ date: Date) -> String {
        RFC3339.format(date)
    }
}
