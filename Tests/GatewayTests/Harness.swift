import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Logging
import Postgres
import Simulator
import Testing
@_exported import TestSupport

/// A gateway wired to a real PostgreSQL and an in-process upstream simulator on a real port.
struct Harness {
    let pool: PostgresPool
    let simulator: UpstreamSimulator
    let gateway: Gateway
    let poller: TaskPoller

    let databaseName: String

    /// Each harness has its own database (a copy of a migrated template), because a gateway's poller
    /// follows every due task in its database against its own simulator.
    static func make(simulator simulatorConfig: SimulatorConfig = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150)),
                     environment: [String: String] = [:], instanceID: String = "test-\(UUID().uuidString.prefix(8))") async throws -> Harness {
        let (databaseName, databaseURL) = try await TestDatabase.fresh()
        let pool = PostgresPool(url: databaseURL, maxConnections: 16, acquireTimeout: .seconds(60))
        let simulator = UpstreamSimulator(config: simulatorConfig)
        let port = try await simulator.start()
        var env = [
            "OMNIMETER_DATABASE_URL": databaseURL,
            "OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:\(port)/kling",
            "OMNIMETER_UPSTREAM_KEY": simulatorConfig.apiKey ?? "operator-key",
            "OMNIMETER_POLL_INTERVAL_MS": "50",
            "OMNIMETER_INSTANCE_ID": instanceID,
        ]
        env.merge(environment) { $1 }
        let config = try GatewayConfig.fromEnvironment(env)
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .warning
        let gateway = Gateway(config: config, pool: pool, logger: logger)
        return Harness(pool: pool, simulator: simulator, gateway: gateway, poller: try #require(gateway.makePoller()), databaseName: databaseName)
    }

    func stop() async {
        await simulator.stop()
        await pool.close()
        await TestDatabase.drop(databaseName)
    }

    /// Runs `body` with a client of the gateway's router.
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: gateway.makeRouter())
        try await app.test(.router) { client in try await body(client) }
    }

    /// Polls until none of the tenant's tasks is open (or gives up after `seconds`).
    func settleAll(tenantID: UUID, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            await poller.pollOnce()
            let open = try await pool.queryFirst("""
                SELECT count(*) AS n FROM tasks WHERE tenant_id = \(tenantID) AND state IN ('reserved', 'submitted', 'processing')
                """)?.decode(Int64.self, "n") ?? 0
            if open == 0 { return }
            try await Task.sleep(for: .milliseconds(40))
        }
        Issue.record("tasks of tenant \(tenantID) still open after \(seconds) s")
    }
}

struct Reply: Sendable {
    var status: Int
    var json: JSONValue
    var headers: HTTPFields

    var code: Int64? { json["code"]?.int64Value }
    var data: JSONValue? { json["data"] }
    var taskID: String? { data?["task_id"]?.stringValue }
    func billing(_ field: String) -> Int64? { data?["billing"]?[field]?.int64Value }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, key: String?, body: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        headers[.contentType] = "application/json"
        return try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let json = (try? JSONValue.decode(Data(buffer: response.body))) ?? .null
            return Reply(status: Int(response.status.code), json: json, headers: response.headers)
        }
    }
}

