import Accounting
import Logging
import ServiceLifecycle

/// Follows unfinished tasks: a job queue in PostgreSQL. Each tick leases a bounded batch of due tasks
/// (`FOR UPDATE SKIP LOCKED`, so instances share the work without overlap) and looks at each once.
/// A crashed instance's leases expire and its tasks become due again; on SIGTERM the batch in hand
/// is finished before the service returns.
public struct TaskPoller: Service {
    let follower: TaskFollower
    let tasks: TaskStore
    let owner: String
    let tick: Duration
    let logger: Logger
    static let batchSize = 32
    static let leaseSeconds = 60

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await pollOnce() < Self.batchSize {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            }
        }
    }

    /// Leases one batch of due tasks and looks at each once; returns how many were leased.
    @discardableResult
    public func pollOnce() async -> Int {
        do {
            let due = try await tasks.leaseDueTasks(owner: owner, limit: Self.batchSize, leaseSeconds: Self.leaseSeconds)
            await withTaskGroup(of: Void.self) { group in
                for task in due {
                    group.addTask {
                        do {
                            try await follower.follow(task, owner: owner)
                        } catch {
                            // the lease expires and the task comes due again: nothing is lost
                            logger.warning("following a task failed", metadata: task.logMetadata(["error": "\(error)"]))
                        }
                    }
                }
            }
            return due.count
        } catch {
            logger.warning("poll queue unavailable", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
