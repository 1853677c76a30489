import Logging
import ServiceLifecycle

/// The loop of a leased job queue in PostgreSQL: each tick leases a bounded batch, works each item
/// concurrently, and sleeps only when the batch was not full. On graceful shutdown the batch in hand
/// is finished before `run` returns; unfinished items keep their rows and leases, which lapse.
/// The task poller runs on it, and any other outbox sender can.
public struct QueueWorker<Item: Sendable>: Sendable {
    let name: String
    let batchSize: Int
    let tick: Duration
    let logger: Logger
    /// Leases up to `limit` due items for this process.
    let lease: @Sendable (_ limit: Int) async throws -> [Item]
    /// Works one leased batch; an item's error is its own (it is logged, its lease lapses, it comes due again).
    let work: @Sendable ([Item]) async -> Void

    public init(name: String, batchSize: Int, tick: Duration, logger: Logger,
                lease: @escaping @Sendable (_ limit: Int) async throws -> [Item],
                work: @escaping @Sendable (Item) async throws -> Void) {
        self.init(name: name, batchSize: batchSize, tick: tick, logger: logger, lease: lease, workBatch: { due in
            await withTaskGroup(of: Void.self) { group in
                for item in due {
                    group.addTask {
                        do {
                            try await work(item)
                        } catch {
                            logger.warning("\(name) item failed; it comes due again", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        })
    }

    /// Works each leased batch as a whole (the task poller settles a round's tasks in one transaction).
    public init(name: String, batchSize: Int, tick: Duration, logger: Logger,
                lease: @escaping @Sendable (_ limit: Int) async throws -> [Item],
                workBatch: @escaping @Sendable ([Item]) async -> Void) {
        precondition(batchSize > 0, "a batch holds at least one item")
        self.name = name
        self.batchSize = batchSize
        self.tick = tick
        self.logger = logger
        self.lease = lease
        self.work = workBatch
    }

    public func run() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await runOnce() < batchSize {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            }
        }
    }

    /// Leases one batch and works each item once; returns how many were leased.
    @discardableResult
    public func runOnce() async -> Int {
        let due: [Item]
        do {
            due = try await lease(batchSize)
        } catch {
            logger.warning("\(name) queue unavailable", metadata: ["error": "\(error)"])
            return 0
        }
        if !due.isEmpty { await work(due) }
        return due.count
    }
}
