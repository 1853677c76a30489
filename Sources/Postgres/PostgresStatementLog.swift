import Foundation

/// The SQL text of every statement sent while it is `current` (a task local, so only the task that set
/// it and its children are recorded): how a test compares what the code sends with the benchmark's
/// script, or proves a statement is not sent. Nothing is recorded when no log is set.
public final class PostgresStatementLog: @unchecked Sendable {
    @TaskLocal public static var current: PostgresStatementLog?

    private let lock = NSLock()
    private var trips: [[String]] = []

    public init() {}

    /// In the order sent; BEGIN and COMMIT included.
    public var statements: [String] {
        lock.withLock { trips.flatMap { $0 } }
    }

    /// The statements grouped by the round trip that carried them (a pipeline is one).
    public var roundTrips: [[String]] {
        lock.withLock { trips }
    }

    func record(_ sql: String) {
        record(roundTrip: [sql])
    }

    func record(roundTrip statements: [String]) {
        lock.withLock { trips.append(statements) }
    }
}
