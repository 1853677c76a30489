import Foundation

/// The SQL text of every statement sent while it is `current` (a task local, so only the task that set
/// it and its children are recorded): how a test compares what the code sends with the benchmark's
/// script, or proves a statement is not sent. Nothing is recorded when no log is set.
public final class PostgresStatementLog: @unchecked Sendable {
    @TaskLocal public static var current: PostgresStatementLog?

    private let lock = NSLock()
    private var recorded: [String] = []

    public init() {}

    /// In the order sent; BEGIN and COMMIT included.
    public var statements: [String] {
        lock.withLock { recorded }
    }

    func record(_ sql: String) {
        lock.withLock { recorded.append(sql) }
    }
}
