import Foundation
import Postgres
import Testing

/// Restarts the test cluster: scripts/test.sh runs suites named Disruptive* alone, after the others.
@Suite(.serialized) struct DisruptiveRestartTests {
    @Test func aServerRestartMidUseGivesClearErrorsThenRecoversByItself() async throws {
        guard let restart = ProcessInfo.processInfo.environment["OMNIMETER_TEST_PG_RESTART"] else {
            throw TestSetupError("OMNIMETER_TEST_PG_RESTART is not set: run the tests with `bash scripts/test.sh`")
        }
        let pool = try await TestDatabase.pool(max: 4, acquireTimeout: .seconds(5))
        // warm the pool: these connections will all be broken by the restart
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await pool.query("SELECT pg_sleep(0.05)::text AS s") } }
            try await group.waitForAll()
        }
        // load during the restart: every call ends (success or a PostgresError), none hangs
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(25 * i))
                    do {
                        try await pool.query("SELECT pg_sleep(0.01)::text AS s")
                        return "ok"
                    } catch let error as PostgresError {
                        #expect(error.isUnavailable || error.kind == .server, "unexpected error \(error)")
                        return "error"
                    }
                }
            }
            #expect(await Shell.run(restart) == 0)
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.count == 40)
        // recovery by itself: the next calls work without anyone resetting the pool
        var recovered = false
        for _ in 0..<50 {
            if (try? await pool.queryFirst("SELECT \(Int64(7)) AS v")?.decode(Int64.self, "v")) == 7 {
                recovered = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(recovered)
        // and every connection of the pool is usable again
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { try await pool.query("SELECT pg_sleep(0.02)::text AS s") } }
            try await group.waitForAll()
        }
        print("restart: \(outcomes.filter { $0 == "ok" }.count) of 40 calls succeeded during the restart, the rest failed cleanly")
        await pool.close()
    }
}

/// Runs a shell command off the cooperative threads. Foundation's Process.waitUntilExit can wait
/// forever when the command leaves a daemon behind (pg_ctl starting the server), so use system().
enum Shell {
    static func run(_ command: String) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: system(command))
            }
        }
    }
}
