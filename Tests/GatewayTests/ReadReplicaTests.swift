import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing

/// `OMNIMETER_READ_DATABASE_URL` against a real streaming standby (`scripts/pg.sh replica start`, made by
/// `pg_basebackup -R`): with its replay paused, reports and listings lag, and money decisions do not.
@Suite(.serialized) struct ReadReplicaTests {
    static let replicaURL = ScaleOutDatabases.url("OMNIMETER_TEST_REPLICA_URL")
    static let adminToken = "replica-test-admin-token"

    @Test(.enabled(if: ReadReplicaTests.replicaURL != nil, "OMNIMETER_TEST_REPLICA_URL is not set: the replica could not start (scripts/test.sh says why)"))
    func reservationsAndBalancesIgnoreALaggingReplicaWhileReportsLag() async throws {
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken])
        let readURL = try #require(Self.replicaURL).replacingOccurrences(of: "/omnimeter_test", with: "/\(harness.databaseName)")
        let readPool = PostgresPool(url: readURL, maxConnections: 4, acquireTimeout: .seconds(30))
        let gateway = Gateway(config: harness.gateway.config, pool: harness.pool, readPool: readPool, logger: harness.gateway.logger)
        // credit for exactly 3 five-second o1 pro videos
        let tenant = try await Database.tenant(harness.pool, credits: 3 * 560_000)
        do {
            try await Self.waitForReplica(readPool) { try await $0.queryFirst("SELECT 1 AS found FROM tenants WHERE id = \(tenant.tenantID)") != nil }
            try await readPool.execute("SELECT pg_wal_replay_pause()")
            try await Self.waitForReplica(readPool) { try await $0.queryFirst("SELECT pg_get_wal_replay_pause_state() AS s")?.decode(String.self, "s") == "paused" }

            let app = Application(router: gateway.makeRouter())
            try await app.test(.router) { client in
                var statuses: [Int] = []
                for _ in 0..<4 {
                    statuses.append(try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s).status)
                }
                // decided on the primary: the replica still shows the whole credit unspent
                #expect(statuses == [200, 200, 200, 429])
                try await harness.settleAll(tenantID: tenant.tenantID)
                let account = try await client.call(.get, "/v1/account", key: tenant.secret)
                #expect(account.data?["tenant"]?["balance"]?["charged_micros"]?.int64Value == 1_680_000)
                #expect(account.data?["tenant"]?["balance"]?["reserved_micros"]?.int64Value == 0)
                #expect(account.data?["tenant"]?["balance"]?["available_micros"]?.int64Value == 0)
                let refused = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
                #expect(refused.status == 429 && refused.code == 1102)

                // the reports read the paused replica: they lag
                let admin: HTTPFields = [.authorization: "Bearer \(Self.adminToken)"]
                let lagging = try await client.call(.get, "/admin/v1/tasks?tenant_id=\(tenant.tenantID.uuidString.lowercased())", key: nil, headers: admin)
                #expect(lagging.status == 200)
                #expect(lagging.json["data"]?.arrayValue?.count == 0, "the replica has not replayed the tasks")
                let staleBalance = try await readPool.queryFirst("SELECT reserved_micros + charged_micros AS spent FROM tenants WHERE id = \(tenant.tenantID)")
                #expect(try staleBalance?.decode(Int64.self, "spent") == 0)

                // replay resumes: the reports catch up with what the primary decided
                try await readPool.execute("SELECT pg_wal_replay_resume()")
                try await Self.waitForReplica(readPool) {
                    try await $0.queryFirst("SELECT count(*)::bigint AS n FROM tasks WHERE tenant_id = \(tenant.tenantID) AND state = 'succeeded'")?.decode(Int64.self, "n") == 3
                }
                let caughtUp = try await client.call(.get, "/admin/v1/tasks?tenant_id=\(tenant.tenantID.uuidString.lowercased())", key: nil, headers: admin)
                #expect(caughtUp.json["data"]?.arrayValue?.count == 3)
                let from = RFC3339.format(Date().addingTimeInterval(-3600)), to = RFC3339.format(Date().addingTimeInterval(3600))
                let report = try await client.call(.get, "/admin/v1/reports/usage?from=\(from)&to=\(to)", key: nil, headers: admin)
                #expect(report.json["totals"]?["charged_micros"]?.int64Value == 1_680_000)
            }
            #expect(try await Database.ledgerBalance(harness.pool, tenant.tenantID) == .init(credits: 1_680_000, charged: 1_680_000, reserved: 0))
        } catch {
            Issue.record(error)
        }
        _ = try? await readPool.execute("SELECT pg_wal_replay_resume()")
        await readPool.close()
        await harness.stop()
    }

    /// Polls the replica until `condition` holds (replication is asynchronous: until the database itself
    /// has been replayed, connecting fails too); fails after 30 s.
    static func waitForReplica(_ pool: PostgresPool, _ condition: (PostgresPool) async throws -> Bool) async throws {
        for _ in 0..<300 {
            if (try? await condition(pool)) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("the replica did not reach the expected state within 30 s")
    }
}
