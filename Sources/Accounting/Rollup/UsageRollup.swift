import Foundation
import Postgres

/// The `usage_daily` rollup (sql/015): per tenant, key, model and UTC day of `ended_at`, what the usage
/// report sums. Written in the transaction that ends a task, beside the ledger rows, so it can never
/// miss or double a task; reports read it for whole days, money decisions never read it, and
/// `/admin/v1/reconcile` compares it with the tasks (docs/money.md, "Reports").
public enum UsageRollup {
    /// Counts an ended task in the day it ended. `previous`, when the task had ended before (a late
    /// charge moves its end and its figures), is taken out of its old day in the same statement.
    public static func record(_ task: TaskRecord, replacing previous: TaskRecord? = nil, on connection: PostgresConnection) async throws {
        guard task.endedAt != nil else { return }
        var rows = contribution(task, sign: 1)
        if let previous, previous.endedAt != nil { rows = rows + ", " + contribution(previous, sign: -1) }
        try await connection.later("""
            INSERT INTO usage_daily AS u (day, tenant_id, key_id, model, tasks, succeeded, failed, billable_seconds, images,
                                          charged_micros, late_charged_micros)
            SELECT (ended_at AT TIME ZONE 'UTC')::date, tenant_id, key_id, model, sum(tasks), sum(succeeded), sum(failed),
                   sum(billable_seconds), sum(images), sum(charged_micros), sum(late_charged_micros)
            FROM (VALUES
            """ + rows + """
            ) AS v (ended_at, tenant_id, key_id, model, tasks, succeeded, failed, billable_seconds, images, charged_micros, late_charged_micros)
            GROUP BY 1, 2, 3, 4
            ON CONFLICT (day, tenant_id, key_id, model) DO UPDATE SET
                tasks = u.tasks + EXCLUDED.tasks, succeeded = u.succeeded + EXCLUDED.succeeded, failed = u.failed + EXCLUDED.failed,
                billable_seconds = u.billable_seconds + EXCLUDED.billable_seconds, images = u.images + EXCLUDED.images,
                charged_micros = u.charged_micros + EXCLUDED.charged_micros,
                late_charged_micros = u.late_charged_micros + EXCLUDED.late_charged_micros
            """)
    }

    /// Takes an ended task out of the rollup (a test that moves a task's end in time puts it back with `record`).
    public static func remove(_ task: TaskRecord, on connection: PostgresConnection) async throws {
        guard task.endedAt != nil else { return }
        try await connection.execute("""
            UPDATE usage_daily AS u SET tasks = u.tasks - v.tasks, succeeded = u.succeeded - v.succeeded, failed = u.failed - v.failed,
                   billable_seconds = u.billable_seconds - v.billable_seconds, images = u.images - v.images,
                   charged_micros = u.charged_micros - v.charged_micros, late_charged_micros = u.late_charged_micros - v.late_charged_micros
            FROM (VALUES
            """ + contribution(task, sign: 1) + """
            ) AS v (ended_at, tenant_id, key_id, model, tasks, succeeded, failed, billable_seconds, images, charged_micros, late_charged_micros)
            WHERE u.day = (v.ended_at AT TIME ZONE 'UTC')::date AND u.tenant_id = v.tenant_id AND u.key_id = v.key_id AND u.model = v.model
            """)
    }

    /// One task's figures as a VALUES row, every value bound; `sign` -1 takes them away.
    static func contribution(_ task: TaskRecord, sign: Int64) -> PostgresQuery {
        let succeeded: Int64 = task.state == .succeeded ? 1 : 0
        let failed: Int64 = [.failed, .rejected, .expired].contains(task.state) ? 1 : 0
        return """
            (\(task.endedAt)::timestamptz, \(task.tenantID)::uuid, \(task.keyID)::uuid, \(task.model)::text, \(sign)::bigint,
             \(sign * succeeded)::bigint, \(sign * failed)::bigint, \(sign * Int64(task.billableSeconds ?? 0))::bigint,
             \(sign * Int64(task.images ?? 0))::bigint, \(sign * task.chargedMicros)::bigint, \(sign * task.lateChargedMicros)::bigint)
            """
    }
}
