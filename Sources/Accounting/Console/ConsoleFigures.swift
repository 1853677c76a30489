import Foundation
import Postgres

/// The few figures of the console's overview that no admin route already reads: the money held by
/// open reservations and the count of tasks in each state. Both read the tenants' running totals and
/// an index range of tasks, never every task.
public struct ConsoleFigures: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The sum of every tenant's open reservations, and how many tasks hold one.
    public func openReservations() async throws -> (micros: Int64, tasks: Int64) {
        let row = try await pool.queryFirst("""
            SELECT (SELECT COALESCE(sum(reserved_micros), 0)::bigint FROM tenants) AS micros,
                   (SELECT count(*) FROM tasks WHERE ended_at IS NULL AND state IN ('reserved', 'submitted', 'processing')) AS tasks
            """)
        guard let row else { return (0, 0) }
        return (try row.decode(Int64.self, "micros"), try row.decode(Int64.self, "tasks"))
    }

    /// Tasks by state: the open ones now (through the partial indexes of open tasks) and those that
    /// ended since `endedSince` (an index range of `tasks_ended`), in the order of a task's life. Never a
    /// count over every task of a long window, which grows with the table.
    public func tasksByState(endedSince: Date) async throws -> [(state: TaskState, count: Int64)] {
        let rows = try await pool.query("""
            SELECT state, count(*) AS n FROM tasks WHERE ended_at IS NULL AND state IN ('reserved', 'submitted', 'processing') GROUP BY state
            UNION ALL
            SELECT state, count(*) AS n FROM tasks WHERE ended_at >= \(endedSince) GROUP BY state
            """)
        var counts: [TaskState: Int64] = [:]
        for row in rows {
            if let state = TaskState(rawValue: try row.decode(String.self, "state")) { counts[state] = try row.decode(Int64.self, "n") }
        }
        return TaskState.allCases.compactMap { state in counts[state].map { (state, $0) } }
    }
}
