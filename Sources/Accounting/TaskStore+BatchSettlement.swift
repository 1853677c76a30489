import Foundation
import Postgres

extension TaskStore {
    /// Ends many tasks in one transaction with one commit (a poll round's settlements). The locks are
    /// taken in the one fixed order, all in the first round trip: every tenant by id, then every key by id,
    /// then every task by id; each task is then settled exactly as `settle` settles it, with its own
    /// ledger rows, holds, cost, callback, event and rollup row (docs/money.md).
    /// If the batch fails (one task's settlement fails the transaction), each task is settled on its own,
    /// so one task's failure cannot lose the others; settling is exactly once either way (the state guard
    /// under the task's lock). Answers in the order of `requests`.
    public func settle(batch requests: [SettlementRequest]) async -> [Result<SettlementResult, any Error>] {
        guard requests.count > 1, Set(requests.map(\.taskID)).count == requests.count else { return await settleEach(requests) }
        do {
            let decided = try await batchTransaction(requests)
            return try requests.map { request in
                switch decided[request.taskID] {
                case .done(let result)?:
                    return .success(result)
                case .pending(let updated)?:
                    guard let row = updated.rows?.first else { throw PostgresError(.usage, message: "task vanished during settlement") }
                    return .success(.settled(try TaskRecord(row: row)))
                case nil:
                    throw PostgresError(.usage, message: "task \(request.taskID) missing from its batch")
                }
            }
        } catch {
            return await settleEach(requests)
        }
    }

    /// One by one, each in its own transaction.
    private func settleEach(_ requests: [SettlementRequest]) async -> [Result<SettlementResult, any Error>] {
        var results: [Result<SettlementResult, any Error>] = []
        for request in requests {
            do {
                results.append(.success(try await settle(taskID: request.taskID, outcome: request.outcome, upstream: request.upstream)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    private func batchTransaction(_ requests: [SettlementRequest]) async throws -> [UUID: Queued<SettlementResult>] {
        let ids = "{" + requests.map(\.taskID.text).joined(separator: ",") + "}"
        return try await pool.transaction { connection in
            // one round trip: BEGIN, the locks in the one order (tenants, keys, tasks, each by id), every task's reads
            var reads: [PostgresQuery] = [
                "SELECT id FROM tenants WHERE id IN (SELECT tenant_id FROM tasks WHERE id = ANY(\(ids)::uuid[])) ORDER BY id FOR UPDATE",
                "SELECT id FROM api_keys WHERE id IN (SELECT key_id FROM tasks WHERE id = ANY(\(ids)::uuid[])) ORDER BY id FOR UPDATE",
                "SELECT \(unescaped: TaskRecord.columns), now() AS db_now FROM tasks WHERE id = ANY(\(ids)::uuid[]) ORDER BY id FOR UPDATE",
            ]
            var ranges: [UUID: Range<Int>] = [:]
            for request in requests {
                let own = Self.settlementReads(taskID: request.taskID, outcome: request.outcome)
                ranges[request.taskID] = (reads.count - 3)..<(reads.count - 3 + own.count)
                reads += own
            }
            let answers = try await connection.pipeline(reads)
            let locked = Set(try answers[0].map { try $0.decode(UUID.self, "id") })
            let perTask = Array(answers[3...])
            let byID = Dictionary(uniqueKeysWithValues: requests.map { ($0.taskID, $0) })
            var decided: [UUID: Queued<SettlementResult>] = [:]
            var tenantsSeen: Set<UUID> = []
            // settled in the order the tasks were locked
            for row in answers[2] {
                let taskID = try row.decode(UUID.self, "id")
                let tenantID = try row.decode(UUID.self, "tenant_id")
                guard let request = byID[taskID], let range = ranges[taskID], locked.contains(tenantID) else {
                    throw PostgresError(.usage, message: "task \(taskID) not locked with its tenant")
                }
                let own = Array(perTask[range])
                // the balance-low flag read before this transaction moved money: stale after an earlier task of the
                // same tenant here, so read again when it matters (the other settings change only under the tenant lock)
                var reread = false
                if tenantsSeen.contains(tenantID), let settings = own[1].first {
                    let lowBalance = try settings.decode(Int64?.self, "low_balance_micros")
                    let wasLow = try settings.decode(Bool.self, "low")
                    reread = lowBalance != nil || wasLow
                }
                tenantsSeen.insert(tenantID)
                decided[taskID] = try await Self.settleLocked(row, outcome: request.outcome, upstream: request.upstream, reads: own,
                                                              rereadAlerts: reread, on: connection)
            }
            guard decided.count == requests.count else { throw PostgresError(.usage, message: "a task of the batch does not exist") }
            return decided
        }
    }
}
