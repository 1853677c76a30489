import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Simulator
import Testing

/// A clock the test moves: the channel circuits read it.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var offset: Duration = .zero

    func advance(_ duration: Duration) {
        lock.lock(); defer { lock.unlock() }
        offset += duration
    }

    var elapsedSeconds: Double {
        lock.lock(); defer { lock.unlock() }
        return Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18
    }

    var now: ContinuousClock.Instant {
        lock.lock(); defer { lock.unlock() }
        return start + offset
    }
}

/// A gateway over its own database with several upstream simulators, each reachable as a channel
/// (docs/channels.md). Without `builtIn`, OMNIMETER_UPSTREAM_URL is unset and only channel rows route.
struct ChannelHarness {
    let pool: PostgresPool
    let simulators: [UpstreamSimulator]
    let ports: [Int]
    let gateway: Gateway
    let poller: TaskPoller
    let clock: ManualClock
    let databaseName: String

    static func make(_ configs: [SimulatorConfig], builtIn: Bool = false, seed: UInt64 = 7) async throws -> ChannelHarness {
        let (databaseName, databaseURL) = try await TestDatabase.fresh()
        let pool = PostgresPool(url: databaseURL, maxConnections: 8, acquireTimeout: .seconds(60))
        var simulators: [UpstreamSimulator] = []
        var ports: [Int] = []
        for config in configs {
            let simulator = UpstreamSimulator(config: config)
            ports.append(try await simulator.start())
            simulators.append(simulator)
        }
        var environment = ["OMNIMETER_DATABASE_URL": databaseURL, "OMNIMETER_POLL_INTERVAL_MS": "50",
                           "OMNIMETER_ADMIN_TOKEN": ChannelHarness.adminToken]
        if builtIn, let port = ports.first {
            environment["OMNIMETER_UPSTREAM_URL"] = "http://127.0.0.1:\(port)/kling"
            environment["OMNIMETER_UPSTREAM_KEY"] = "operator-key"
        }
        let config = try GatewayConfig.fromEnvironment(environment)
        var logger = Logger(label: "channel-test")
        logger.logLevel = .critical
        let clock = ManualClock()
        let gateway = Gateway(config: config, pool: pool, logger: logger, router: ChannelRouter(seed: seed, now: { clock.now }))
        return ChannelHarness(pool: pool, simulators: simulators, ports: ports, gateway: gateway,
                              poller: try #require(gateway.makePoller()), clock: clock, databaseName: databaseName)
    }

    static let adminToken = "channel-test-admin-token"
    static let video = #"{"prompt":"a fox in the snow","aspect_ratio":"16:9"}"#

    /// A port nothing listens on: a simulator's, after it stopped.
    static func closedPort() async throws -> Int {
        let simulator = UpstreamSimulator()
        let port = try await simulator.start()
        await simulator.stop()
        return port
    }

    /// A bearer channel row to simulator `index` (or to `port`).
    @discardableResult
    func channel(_ name: String, to index: Int? = nil, port: Int? = nil, priority: Int = 10, weight: Int = 1,
                 credentials: ChannelCredentials = .bearer(apiKey: "operator-key"), models: [String]? = nil) async throws -> UpstreamChannel {
        let target = port ?? ports[index ?? 0]
        let settings = ChannelSettings(name: name, baseURL: "http://127.0.0.1:\(target)/kling", credentials: credentials,
                                       priority: priority, weight: weight, models: models)
        let channel = try await ChannelStore(pool: pool).create(settings, actor: "test")
        await gateway.channels.invalidate()
        return channel
    }

    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: gateway.makeRouter())
        try await app.test(.router) { client in try await body(client) }
    }

    /// A create through the tenant API; returns the reply.
    func submit(_ client: any TestClientProtocol, _ secret: String, body: String = ChannelHarness.video) async throws -> Reply {
        try await client.call(.post, "/kling/v1/videos/omni-video", key: secret, body: body)
    }

    func task(_ id: String) async throws -> TaskRecord {
        let uuid = try #require(UUID(uuidString: id))
        return try #require(try await TaskStore(pool: pool).task(id: uuid))
    }

    /// The stored task a create answered.
    func task(of reply: Reply) async throws -> TaskRecord {
        let id = try #require(reply.taskID, "no task in \(reply.json)")
        return try await task(id)
    }

    /// Upstream tasks across every simulator.
    func upstreamTaskCounts() async -> [Int] {
        var counts: [Int] = []
        for simulator in simulators { counts.append(await simulator.tasks().count) }
        return counts
    }

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

    func stop() async {
        for simulator in simulators { await simulator.stop() }
        await pool.close()
        await TestDatabase.drop(databaseName)
    }
}
