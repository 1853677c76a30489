import Accounting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Stops the test cluster: scripts/test.sh runs suites named Disruptive* alone, after the others.
@Suite(.serialized) struct DisruptiveDatabaseOutageTests {
    @Test func aDatabaseOutageAnswers5001ReservesNothingAndRecoversByItself() async throws {
        guard let control = ProcessInfo.processInfo.environment["OMNIMETER_TEST_PG_CTL"] else {
            throw HarnessError("OMNIMETER_TEST_PG_CTL is not set: run the tests with `bash scripts/test.sh`")
        }
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 100_000_000)
        let statuses = Tally()
        try await harness.withClient { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(40 * i))
                        let reply = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
                        await statuses.add(reply.status, reply.code)
                    }
                }
                try await Task.sleep(for: .milliseconds(600))
                #expect(await Shell.run("\(control) stop") == 0)
                try await Task.sleep(for: .milliseconds(800))
                #expect(await Shell.run("\(control) start") == 0)
                try await group.waitForAll()
            }
            // recovery by itself
            var recovered = false
            for _ in 0..<50 where !recovered {
                recovered = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s).status == 200
                if !recovered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(recovered)
        }
        let seen = await statuses.counts
        #expect(Set(seen.keys).isSubset(of: ["200/0", "503/5001"]), "only successes and 503/5001: \(seen)")
        #expect(seen["503/5001", default: 0] > 0, "the outage was seen: \(seen)")
        // time passes: the leases of requests that lost the database lapse (300 s in production)
        try await harness.pool.execute("UPDATE task_polls SET lease_until = now(), next_poll_at = now() WHERE task_id IN (SELECT id FROM tasks WHERE tenant_id = \(tenant.tenantID) AND state = 'reserved')")
        try await harness.settleAll(tenantID: tenant.tenantID, seconds: 90)
        // every accepted create is one task, charged once; a 503 holds no money once the poller has run
        // (a commit whose answer was lost leaves a hold that is released, never sent)
        let charged = try #require(try await harness.pool.queryFirst(
            "SELECT count(*) AS n FROM tasks WHERE tenant_id = \(tenant.tenantID) AND charged_micros > 0")).decode(Int64.self, "n")
        #expect(charged == Int64(seen["200/0", default: 0] + 1))
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 100_000_000, charged: charged * 560_000, reserved: 0))
        #expect(try await Database.ledgerBalance(harness.pool, tenant.tenantID) == Database.balance(harness.pool, tenant.tenantID))
        print("outage: \(seen)")
        await harness.stop()
    }
}

actor Tally {
    private(set) var counts: [String: Int] = [:]
    func add(_ status: Int, _ code: Int64?) { counts["\(status)/\(code ?? -1)", default: 0] += 1 }
}

/// Runs a shell command off the cooperative threads (Foundation's Process.waitUntilExit can hang
/// when the command leaves a daemon behind, as pg_ctl does).
enum Shell {
    static func run(_ command: String) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: system(command + " >/dev/null 2>&1")) }
        }
    }
}
