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
    /// make every call after the first a no-op.
    public func settle(taskID: UUID, outcome: TaskOutcome, upstream: UpstreamSnapshot = UpstreamSnapshot()) async throws -> SettlementResult {
        try await pool.transaction { connection in
            guard let owners = try await connection.queryFirst("SELECT tenant_id, key_id FROM tasks WHERE id = \(taskID)") else {
                throw PostgresError(.usage, message: "no task \(taskID)")
            }
            let (tenantID, keyID) = try owners.decode((UUID, UUID).self)
            // the one lock order: tenant, key, task
            try await connection.execute("SELECT 1 FROM tenants WHERE id = \(tenantID) FOR UPDATE")
            try await connection.execute("SELECT 1 FROM api_keys WHERE id = \(keyID) FOR UPDATE")
            guard let row = try await connection.queryFirst("SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE id = \(taskID) FOR UPDATE") else {
                throw PostgresError(.usage, message: "no task \(taskID)")
            }
            let task = try TaskRecord(row: row)
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
                guard let updated = try await connection.queryFirst("""
                    UPDATE tasks SET state = \(outcome.state.rawValue), charged_micros = \(charge), released_micros = \(release),
                           billable_seconds = COALESCE(\(seconds), billable_seconds), images = COALESCE(\(images), images),
                           upstream_task_id = COALESCE(upstream_task_id, \(upstream.upstreamTaskID)),
                           upstream_status_msg = COALESCE(\(upstream.statusMessage), upstream_status_msg),
                           upstream_result = COALESCE(\(resultJSON), upstream_result),
                           final_unit_deduction = COALESCE(\(upstream.finalUnitDeduction), final_unit_deduction),
                           ended_at = now(), updated_at = now(), next_poll_at = NULL, lease_owner = NULL, lease_until = NULL
                    WHERE id = \(taskID)
                    RETURNING \(unescaped: TaskRecord.columns)
                    """) else { throw PostgresError(.usage, message: "task vanished during settlement") }
                if charge > 0 {
                    try await Ledger.append(LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: taskID, kind: .charge, amountMicros: charge), on: connection)
                }
                if release > 0 {
                    try await Ledger.append(LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: taskID, kind: .release, amountMicros: release), on: connection)
                }
                // the charge taken from the holds in funding order, the rest given back where it was held
                try await FundingStore.settle(taskID: taskID, tenantID: tenantID, charge: charge, on: connection)
                try await AlertEvents.afterMoneyMove(tenantID: tenantID, keyID: keyID, on: connection)
                try await TaskCost.record(taskID: taskID, outcome: outcome, on: connection) // what the upstream costs (docs/channels.md)
                let record = try TaskRecord(row: updated)
                try await CallbackOutbox.enqueue(record, on: connection)
                try await UsageRollup.record(record, on: connection)
                return .settled(record)
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
                try await Ledger.append(LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: taskID, kind: .lateCharge, amountMicros: amount,
                                                    reason: "success reported after expiry"), on: connection)
                try await AlertEvents.afterMoneyMove(tenantID: tenantID, keyID: keyID, on: connection)
                try await TaskCost.record(taskID: taskID, outcome: outcome, on: connection)
                let record = try TaskRecord(row: updated)
                try await CallbackOutbox.enqueue(record, on: connection)
                try await UsageRollup.record(record, replacing: task, on: connection)
                return .lateCharged(record)
            }
            // a late success the tenant was not charged for still cost the operator its usage
            if task.state == .expired, case .succeeded = outcome { try await TaskCost.record(taskID: taskID, outcome: outcome, on: connection) }
            return .alreadyEnded(task)
        }
    }
}
