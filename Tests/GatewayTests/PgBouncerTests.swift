import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Simulator
import Testing

/// PgBouncer (Debian's) in transaction mode in front of the test PostgreSQL, started by
/// `scripts/test.sh` (`scripts/pg.sh pgbouncer start`): every transaction may land on another server
/// session, so anything kept in a session (an advisory lock, a `SET`, a named prepared statement) breaks.
@Suite(.serialized) struct PgBouncerTests {
    static let bouncerURL = ScaleOutDatabases.url("OMNIMETER_TEST_PGBOUNCER_URL")

    @Test(.enabled(if: PgBouncerTests.bouncerURL != nil, "OMNIMETER_TEST_PGBOUNCER_URL is not set: PgBouncer could not start (scripts/test.sh says why)"))
    func migrationsAndTwoGatewaysWorkThroughATransactionPooler() async throws {
        let name = try await ScaleOutDatabases.createEmpty()
        let viaBouncer = try #require(Self.bouncerURL).replacingOccurrences(of: "/omnimeter_test", with: "/\(name)")
        let direct = PostgresPool(url: try Database.urlOf(name), maxConnections: 2)
        let simulator = UpstreamSimulator(config: SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150)))
        var pools: [PostgresPool] = []
        do {
            // four instances migrate an empty database at once, each through the pooler
            let migrator = try Migrator(directory: ScaleOutDatabases.migrationsDirectory)
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let pool = PostgresPool(url: viaBouncer, maxConnections: 1)
                        do {
                            let names = try await migrator.migrate(pool)
                            await pool.close()
                            return names
                        } catch {
                            await pool.close()
                            throw error
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(applied.sorted() == migrator.migrations.map(\.name).sorted(), "each migration applied exactly once")
            #expect(try await direct.queryFirst("SELECT count(*)::bigint AS n FROM schema_migrations")?.decode(Int64.self, "n")
                    == Int64(migrator.migrations.count))
            // no lock left behind on a pooled server session, and the session settings came through
            #expect(try await direct.queryFirst("""
                SELECT count(*)::bigint AS n FROM pg_locks
                WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)?.decode(Int64.self, "n") == 0)
            let settings = PostgresPool(url: viaBouncer, maxConnections: 1)
            pools.append(settings)
            #expect(try await settings.queryFirst("SELECT current_setting('TimeZone') AS tz")?.decode(String.self, "tz") == "UTC")

            // two gateway instances through the pooler, one upstream
            let port = try await simulator.start()
            var gateways: [Gateway] = []
            for instance in 0..<2 {
                let config = try GatewayConfig.fromEnvironment([
                    "OMNIMETER_DATABASE_URL": viaBouncer,
                    "OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:\(port)/kling",
                    "OMNIMETER_UPSTREAM_KEY": "operator-key",
                    "OMNIMETER_POLL_INTERVAL_MS": "50",
                    "OMNIMETER_INSTANCE_ID": "bouncer-\(instance)",
                ])
                let pool = PostgresPool(url: viaBouncer, maxConnections: 8, acquireTimeout: .seconds(60))
                pools.append(pool)
                var logger = Logger(label: "pgbouncer-test")
                logger.logLevel = .warning
                gateways.append(Gateway(config: config, pool: pool, logger: logger))
            }
            // credit for exactly 7 five-second o1 pro videos; 10 creates race over both instances
            let tenant = try await Database.tenant(direct, credits: 7 * 560_000)
            let statuses = try await Self.createConcurrently(10, through: gateways, key: tenant.secret)
            #expect(statuses.filter { $0 == 200 }.count == 7)
            #expect(statuses.filter { $0 == 429 }.count == 3, "the rest refused 429/1102: \(statuses)")

            // both instances' pollers follow and settle
            let pollers = gateways.compactMap { $0.makePoller() }
            #expect(pollers.count == 2)
            for _ in 0..<500 {
                for poller in pollers { await poller.pollOnce() }
                let open = try await direct.queryFirst("""
                    SELECT count(*)::bigint AS n FROM tasks WHERE tenant_id = \(tenant.tenantID) AND state IN ('reserved', 'submitted', 'processing')
                    """)?.decode(Int64.self, "n")
                if open == 0 { break }
                try await Task.sleep(for: .milliseconds(40))
            }
            #expect(try await Database.balance(direct, tenant.tenantID) == .init(credits: 3_920_000, charged: 3_920_000, reserved: 0))
            #expect(try await Database.ledgerBalance(direct, tenant.tenantID) == Database.balance(direct, tenant.tenantID))
            let charged = try await direct.queryFirst("""
                SELECT count(*)::bigint AS n FROM ledger_entries WHERE tenant_id = \(tenant.tenantID) AND kind = 'charge' AND amount_micros = 560000
                """)?.decode(Int64.self, "n")
            #expect(charged == 7, "one charge of 560000 per accepted task")
            #expect(await simulator.counts().createCalls == 7)
        } catch {
            Issue.record(error)
        }
        await simulator.stop()
        for pool in pools { await pool.close() }
        await direct.close()
        await Database.drop(name)
    }

    /// `count` creates at once, alternating between the instances; their HTTP statuses.
    static func createConcurrently(_ count: Int, through gateways: [Gateway], key: String) async throws -> [Int] {
        let first = Application(router: gateways[0].makeRouter())
        return try await first.test(.router) { one in
            let second = Application(router: gateways[1].makeRouter())
            return try await second.test(.router) { two in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<count {
                        let client: any TestClientProtocol = index.isMultiple(of: 2) ? one : two
                        group.addTask {
                            try await client.call(.post, "/kling/v1/videos/omni-video", key: key, body: TaskLifecycleTests.o1Pro5s).status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
            }
        }
    }
}
