import Accounting
import Foundation
import Postgres
import Testing

/// The poller's batch settlement (`TaskStore.settle(batch:)`): many tasks, one transaction, one commit,
/// settled to the micro exactly as one by one would, exactly once, and one failure never losing the others.
@Suite struct BatchSettlementTests {
    static let body = #"{"prompt":"a fox","aspect_ratio":"16:9"}"# // 560,000 micros reserved
    static let outcomes: [TaskOutcome] = [
        .succeeded(chargeMicros: 420_000, billableSeconds: 4, images: nil), .failed(message: "content policy"), .expired,
        .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil),
    ]

    /// Two tenants with one key each, and four reserved tasks each (the outcomes above, in order).
    func world(_ pool: PostgresPool) async throws -> [(AuthenticatedKey, [TaskRecord])] {
        var world: [(AuthenticatedKey, [TaskRecord])] = []
        for _ in 0..<2 {
            let key = try await Fixtures.tenant(pool, credits: 10_000_000)
            var tasks: [TaskRecord] = []
            for _ in Self.outcomes { tasks.append(try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, Self.body)).task) }
            world.append((key, tasks))
        }
        return world
    }

    /// Everything settlement writes for a tenant, as text: balances, each task's end, ledger rows, cost
    /// and events, and the key's rollup rows.
    func figures(_ pool: PostgresPool, _ key: AuthenticatedKey, _ tasks: [TaskRecord]) async throws -> [String] {
        var lines = ["\(try await Fixtures.balance(pool, key.tenantID))"]
        for task in tasks {
            let stored = try #require(try await TaskStore(pool: pool).task(id: task.id))
            let cost = try await pool.queryFirst("SELECT cost_micros FROM tasks WHERE id = \(task.id)")?.decode(Int64?.self, "cost_micros")
            let events = try await pool.queryFirst("SELECT count(*)::bigint AS n FROM events WHERE data->>'task_id' = \(task.id.uuidString.lowercased())")?
                .decode(Int64.self, "n")
            lines.append("\(stored.state) \(stored.chargedMicros) \(stored.releasedMicros) \(String(describing: stored.billableSeconds)) "
                         + "cost \(String(describing: cost)) events \(String(describing: events)) \(try await Fixtures.ledgerKinds(pool, taskID: task.id).sorted { $0.key < $1.key })")
        }
        for row in try await pool.query("""
            SELECT model, tasks, succeeded, failed, billable_seconds, charged_micros FROM usage_daily WHERE key_id = \(key.keyID) ORDER BY model
            """) {
            lines.append("rollup \(try row.decode(String.self, "model")) \(try row.decode(Int64.self, "tasks")) \(try row.decode(Int64.self, "succeeded")) "
                         + "\(try row.decode(Int64.self, "failed")) \(try row.decode(Int64.self, "billable_seconds")) \(try row.decode(Int64.self, "charged_micros"))")
        }
        return lines
    }

    @Test func aBatchAcrossTwoTenantsSettlesToTheMicroAsOneByOneWould() async throws {
        let pool = try await Fixtures.pool()
        let store = TaskStore(pool: pool)
        let single = try await world(pool)
        for (_, tasks) in single {
            for (task, outcome) in zip(tasks, Self.outcomes) { _ = try await store.settle(taskID: task.id, outcome: outcome) }
        }
        let batched = try await world(pool)
        // interleaved across the tenants, as a poll round leases them
        let requests = (0..<Self.outcomes.count).flatMap { i in batched.map { SettlementRequest(taskID: $0.1[i].id, outcome: Self.outcomes[i]) } }
        let log = PostgresStatementLog()
        let results = await PostgresStatementLog.$current.withValue(log) { await store.settle(batch: requests) }
        #expect(results.count == requests.count)
        // one transaction for all eight: one BEGIN, one COMMIT, the locks and reads in its first round trip
        #expect(log.statements.filter { $0.hasPrefix("BEGIN") }.count == 1)
        #expect(log.statements.filter { $0 == "COMMIT" }.count == 1)
        let firstTrip: Int = 1 + 3 + 20 // BEGIN, three lock reads, each task's reads (3 for a success, 2 otherwise)
        #expect(log.roundTrips.first?.count == firstTrip)
        for result in results {
            guard case .success(.settled) = result else { Issue.record("not settled: \(result)"); continue }
        }
        for ((oneKey, oneTasks), (batchKey, batchTasks)) in zip(single, batched) {
            #expect(try await figures(pool, oneKey, oneTasks) == figures(pool, batchKey, batchTasks))
            // 420,000 + 560,000 charged; 140,000 + 560,000 + 560,000 released
            #expect(try await Fixtures.balance(pool, batchKey.tenantID) == .init(credits: 10_000_000, charged: 980_000, reserved: 0))
            #expect(try await Fixtures.ledgerBalance(pool, batchKey.tenantID) == Fixtures.balance(pool, batchKey.tenantID))
        }
    }

    @Test func aConcurrentSingleSettleOfABatchedTaskSettlesItOnce() async throws {
        let pool = try await Fixtures.pool(max: 8)
        let store = TaskStore(pool: pool)
        let world = try await world(pool)
        let contested = world[1].1[0]
        let requests = world.flatMap { key, tasks in zip(tasks, Self.outcomes).map { SettlementRequest(taskID: $0.id, outcome: $1) } }
        // the poller's batch and an upstream callback's single settlement of one of its tasks, racing
        async let batch = store.settle(batch: requests)
        async let callback = store.settle(taskID: contested.id, outcome: .succeeded(chargeMicros: 420_000, billableSeconds: 4, images: nil))
        let (batchResults, callbackResult) = try await (batch, callback)
        let index = try #require(requests.firstIndex { $0.taskID == contested.id })
        var settledBy = 0
        if case .success(.settled) = batchResults[index] { settledBy += 1 }
        if case .settled = callbackResult { settledBy += 1 }
        #expect(settledBy == 1)
        #expect(try await Fixtures.ledgerKinds(pool, taskID: contested.id) == ["reserve": 560_000, "charge": 420_000, "release": 140_000])
        for (key, _) in world {
            #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 10_000_000, charged: 980_000, reserved: 0))
        }
        let rollup = try await pool.queryFirst("SELECT sum(tasks)::bigint AS n FROM usage_daily WHERE key_id = \(world[1].0.keyID)")?.decode(Int64.self, "n")
        #expect(rollup == 4)
    }

    @Test func oneFailingTaskInABatchDoesNotLoseTheOthers() async throws {
        let pool = try await Fixtures.pool()
        let store = TaskStore(pool: pool)
        let world = try await world(pool)
        let missing = UUID()
        let requests = [SettlementRequest(taskID: missing, outcome: .expired)]
            + world.flatMap { _, tasks in zip(tasks, Self.outcomes).map { SettlementRequest(taskID: $0.id, outcome: $1) } }
        let results = await store.settle(batch: requests)
        guard case .failure = results[0] else { Issue.record("a task that does not exist settled: \(results[0])"); return }
        for result in results.dropFirst() {
            guard case .success(.settled) = result else { Issue.record("not settled: \(result)"); continue }
        }
        for (key, _) in world {
            #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 10_000_000, charged: 980_000, reserved: 0))
            #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == Fixtures.balance(pool, key.tenantID))
        }
    }
}
