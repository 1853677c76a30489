import Accounting
import Logging
import ServiceLifecycle

/// Follows unfinished tasks: a job queue in PostgreSQL run by a `QueueWorker`. Each tick leases a
/// bounded batch of due tasks (`FOR UPDATE SKIP LOCKED`, so instances share the work without
/// overlap), looks at each once, and settles the round's ended tasks in one transaction. A crashed instance's leases expire and its tasks come due again;
/// on SIGTERM the batch in hand is finished before the service returns.
public struct TaskPoller: Service {
    let worker: QueueWorker<TaskRecord>
    static let batchSize = 32
    static let leaseSeconds = 60

    public init(follower: TaskFollower, tasks: TaskStore, owner: String, tick: Duration, logger: Logger) {
        worker = QueueWorker(
            name: "poll", batchSize: Self.batchSize, tick: tick, logger: logger,
            lease: { limit in try await tasks.leaseDueTasks(owner: owner, limit: limit, leaseSeconds: Self.leaseSeconds) },
            // a round's settlements in one transaction, its other decisions one by one
            workBatch: { due in await follower.follow(batch: due, owner: owner) })
    }

    public func run() async throws {
        await worker.run()
    }

    /// Leases one batch of due tasks and looks at each once; returns how many were leased.
    @discardableResult
    public func pollOnce() async -> Int {
        await worker.runOnce()
    }
}
