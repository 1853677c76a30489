import Foundation
import Kling
import Postgres

/// What the upstream last said about a task, kept with it.
public struct UpstreamSnapshot: Sendable {
    public var upstreamTaskID: String?
    public var statusMessage: String?
    /// The upstream's `task_result` object.
    public var result: JSONValue?
    public var finalUnitDeduction: String?

    public init(upstreamTaskID: String? = nil, statusMessage: String? = nil, result: JSONValue? = nil, finalUnitDeduction: String? = nil) {
        self.upstreamTaskID = upstreamTaskID
        self.statusMessage = statusMessage
        self.result = result
        self.finalUnitDeduction = finalUnitDeduction
    }
}

public enum SettlementResult: Sendable {
    /// This call ended the task and moved its money.
    case settled(TaskRecord)
    /// A success reported after the task had expired: charged now, explicitly, as a late charge.
    case lateCharged(TaskRecord)
    /// The task had already ended: nothing moved (a second settlement is a no-op).
    case alreadyEnded(TaskRecord)
}

extension TaskStore {
    /// Ends a task exactly once. Polling, callbacks, expiry, and any number of instances all converge
    /// here; the state guard under the row lock, and the ledger's one-row-per-task-and-kind index,
    /// make every call after the first a no-op. Two round trips: BEGIN with the locks (tenant, key, task)
    /// and every read the decision needs, then the writes with COMMIT.
    public func settle(taskID: UUID, outcome: TaskOutcome, upstream: UpstreamSnapshot = UpstreamSnapshot()) async throws -> SettlementResult {
        switch try await settleTransaction(taskID: taskID, outcome: outcome, upstream: upstream) {
        case .done(let result):
            return result
        case .pending(let updated):
            // the task's row as updated, answered with the COMMIT
            guard let row = updated.rows?.first else { throw PostgresError(.usage, message: "task vanished during settlement") }
            return .settled(try TaskRecord(row: row))
        }
    }

    private func settleTransaction(taskID: UUID, outcome: TaskOutcome, upstream: UpstreamSnapshot) async throws -> Queued<SettlementResult> {
        try await pool.transaction { connection in
            // the one lock order: tenant, key, task (a task's tenant and key never change)
            let answers = try await connection.pipeline([
                "SELECT id FROM tenants WHERE id = (SELECT tenant_id FROM tasks WHERE id = \(taskID)) FOR UPDATE",
                "SELECT id FROM api_keys WHERE id = (SELECT key_id FROM tasks WHERE id = \(taskID)) FOR UPDATE",
                "SELECT \(unescaped: TaskRecord.columns), now() AS db_now FROM tasks WHERE id = \(taskID) FOR UPDATE",
            ] + Self.settlementReads(taskID: taskID, outcome: outcome))
            guard answers[0].count == 1, let row = answers[2].first else { throw PostgresError(.usage, message: "no task \(taskID)") }
            return try await Self.settleLocked(row, outcome: outcome, upstream: upstream, reads: Array(answers[3...]), on: connection)
        }
    }

    /// What one task's settlement decides from, read after its locks (settlement changes none of it but
    /// the holds, which are the task's own): its open holds, the alert settings, a success's cost inputs.
    static func settlementReads(taskID: UUID, outcome: TaskOutcome) -> [PostgresQuery] {
        var reads = [FundingStore.settleRead(taskID: taskID), AlertEvents.settingsQuery(taskID: taskID)]
        if case .succeeded = outcome { reads.append(TaskCost.inputsQuery(taskID: taskID)) }
        return reads
    }

    /// One task's settlement on a transaction that holds its tenant, key and task locks. `row` is the
    /// task as locked (with `db_now`), `reads` the answers of `settlementReads`; `rereadAlerts` reads the
    /// alert settings again instead (an earlier settlement in the same transaction may have moved them).
    static func settleLocked(_ row: PostgresRow, outcome: TaskOutcome, upstream: UpstreamSnapshot, reads: [[PostgresRow]],
                             rereadAlerts: Bool = false, on connection: PostgresConnection) async throws -> Queued<SettlementResult> {
        let task = try TaskRecord(row: row)
        let (taskID, tenantID, keyID) = (task.id, task.tenantID, task.keyID)
        let alertSettings: PostgresRow?? = rereadAlerts ? nil : .some(reads[1].first)
        let costInputs = reads.count > 2 ? reads[2].first : nil
        let resultJSON = upstream.result.map { PostgresJSON(data: $0.encodedData()) }

        if task.state.isOpen {
            var charge: Int64 = 0
            var seconds: Int?
            var images: Int?
            if case .succeeded(let amount, let billableSeconds, let producedImages) = outcome {
                // invariant 5: a charge never exceeds its reservation
                precondition(amount >= 0 && amount <= task.reservedMicros, "charge \(amount) outside reservation \(task.reservedMicros)")
                charge = amount
                seconds = billableSeconds
                images = producedImages
            }
            let release = task.reservedMicros - charge
            // what the upstream costs (docs/channels.md), in the same update: one new row version
            let cost = try TaskCost.cost(taskID: taskID, outcome: outcome, inputs: costInputs)
            // the task ends and leaves the poll queue, its poll count kept with it
            let updated = try await connection.later("""
                WITH poll AS (DELETE FROM task_polls WHERE task_id = \(taskID) RETURNING poll_attempts)
                UPDATE tasks SET state = \(outcome.state.rawValue), charged_micros = \(charge), released_micros = \(release),
                       cost_micros = \(cost),
                       channel_id = COALESCE(channel_id, CASE WHEN COALESCE(upstream_task_id, \(upstream.upstreamTaskID)) IS NOT NULL THEN 'default' END),
                       billable_seconds = COALESCE(\(seconds), billable_seconds), images = COALESCE(\(images), images),
                       upstream_task_id = COALESCE(upstream_task_id, \(upstream.upstreamTaskID)),
                       upstream_status_msg = COALESCE(\(upstream.statusMessage), upstream_status_msg),
                       upstream_result = COALESCE(\(resultJSON), upstream_result),
                       final_unit_deduction = COALESCE(\(upstream.finalUnitDeduction), final_unit_deduction),
                       poll_attempts = COALESCE((SELECT poll_attempts FROM poll), poll_attempts),
                       ended_at = now(), updated_at = now()
                WHERE id = \(taskID)
                RETURNING \(unescaped: TaskRecord.columns)
                """)
            // the row that update makes (now() is the transaction's start, read above): what the callback
            // and the rollup are written from, in the same round trip
            var record = task
            record.state = outcome.state
            record.chargedMicros = charge
            record.releasedMicros = release
            record.billableSeconds = seconds ?? task.billableSeconds
            record.images = images ?? task.images
            record.upstreamTaskID = task.upstreamTaskID ?? upstream.upstreamTaskID
            record.upstreamStatusMessage = upstream.statusMessage ?? task.upstreamStatusMessage
            record.upstreamResult = resultJSON ?? task.upstreamResult
            record.finalUnitDeduction = upstream.finalUnitDeduction ?? task.finalUnitDeduction
            record.endedAt = try row.decode(Date.self, "db_now")
            record.updatedAt = try row.decode(Date.self, "db_now")
            if charge > 0 {
                try await Ledger.appendLater(LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: taskID, kind: .charge, amountMicros: charge), on: connection)
            }
            if release > 0 {
                try await Ledger.appendLater(LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: taskID, kind: .release, amountMicros: release), on: connection)
            }
            // the charge taken from the holds in funding order, the rest given back where it was held
            try await FundingStore.settle(taskID: taskID, tenantID: tenantID, charge: charge, rows: reads[0], on: connection)
            try await AlertEvents.afterMoneyMove(tenantID: tenantID, keyID: keyID, preread: alertSettings, on: connection)
            try await CallbackOutbox.enqueue(record, on: connection)
            try await UsageRollup.record(record, on: connection)
            return .pending(updated)
        }

        // A success after expiry: the hold was released already, so charge it explicitly, once.
        if task.state == .expired, case .succeeded(let amount, let billableSeconds, let producedImages) = outcome,
           task.lateChargedMicros == 0, amount > 0 {
            precondition(amount <= task.reservedMicros, "late charge \(amount) above reservation \(task.reservedMicros)")
            guard let updated = try await connection.queryFirst("""
                UPDATE tasks SET state = 'succeeded', late_charged_micros = \(amount),
                       billable_seconds = COALESCE(\(billableSeconds), billable_seconds), images = COALESCE(\(producedImages), images),
                       upstream_status_msg = COALESCE(\(upstream.statusMessage), upstream_status_msg),
                       upstream_result = COALESCE(\(resultJSON), upstream_result),
                       final_unit_deduction = COALESCE(\(upstream.finalUnitDeduction), final_unit_deduction),
                       ended_at = now(), updated_at = now()
                WHERE id = \(taskID)
                RETURNING \(unescaped: TaskRecord.columns)
                """) else { throw PostgresError(.usage, message: "task vanished during late charge") }
            try await Ledger.appendLater(LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: taskID, kind: .lateCharge, amountMicros: amount,
                                                     reason: "success reported after expiry"), on: connection)
            try await AlertEvents.afterMoneyMove(tenantID: tenantID, keyID: keyID, preread: alertSettings, on: connection)
            try await TaskCost.record(taskID: taskID, outcome: outcome, inputs: costInputs, on: connection)
            let record = try TaskRecord(row: updated)
            try await CallbackOutbox.enqueue(record, on: connection)
            try await UsageRollup.record(record, replacing: task, on: connection)
            return .done(.lateCharged(record))
        }
        // a late success the tenant was not charged for still cost the operator its usage
        if task.state == .expired, case .succeeded = outcome {
            try await TaskCost.record(taskID: taskID, outcome: outcome, inputs: costInputs, on: connection)
        }
        return .done(.alreadyEnded(task))
    }
}
