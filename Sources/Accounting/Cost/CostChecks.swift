import Postgres

/// Reconcile's check of the cost side (docs/channels.md): settlement records a cost on every task it
/// ends, in the same transaction. Read through the partial index of ended tasks without one (normally
/// empty), so it costs nothing on a large table.
extension Reconciliation {
    static let costChecks: [Check] = [
        Check(name: "ended_tasks_have_cost", offenders: """
            SELECT format('task %s (%s) ended at %s without cost_micros', id, state, ended_at) AS example
            FROM tasks WHERE ended_at IS NOT NULL AND cost_micros IS NULL
            """),
    ]
}
