import Foundation

/// The rows of a statement queued with `PostgresConnection.later`, there once the round trip that
/// carried it was answered (for a transaction's last writes: once it committed).
public final class PostgresAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var answered: [PostgresRow]?

    init() {}

    /// nil while the statement has not been sent (or its round trip failed).
    public var rows: [PostgresRow]? {
        lock.withLock { answered }
    }

    func fill(_ rows: [PostgresRow]) {
        lock.withLock { answered = rows }
    }
}
