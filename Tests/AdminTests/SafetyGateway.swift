import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Testing

/// A TestGateway-like client over a gateway configured with `environment` (safety-limit variables).
enum SafetyGateway {
    static func run<T: Sendable>(_ environment: [String: String] = [:], _ body: @Sendable (TestGateway.Client) async throws -> T) async throws -> T {
        let pool = try await TestDatabase.pool()
        var env = ["OMNIMETER_DATABASE_URL": pool.url, "OMNIMETER_ADMIN_TOKEN": TestGateway.bootstrapToken]
        env.merge(environment) { $1 }
        let config = try GatewayConfig.fromEnvironment(env)
        let logs = LogRecorder()
        let gateway = Gateway(config: config, pool: pool, logger: logs.logger)
        let app = Application(router: gateway.makeRouter(), logger: logs.logger)
        return try await app.test(.router) { client in try await body(TestGateway.Client(client: client)) }
    }
}
