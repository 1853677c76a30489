import Accounting
import Foundation
import Logging
import ServiceLifecycle

/// Runs `DeliveryRetention` once at start and then every `tick` (an hour), when
/// `OMNIMETER_DELIVERY_RETENTION_DAYS` is set (docs/events.md, "Retention"). Several instances may run it
/// at once: a row two of them delete is deleted once.
public struct DeliveryRetentionService: Service {
    let retention: DeliveryRetention
    let days: Int
    let tick: Duration
    let logger: Logger

    public init(retention: DeliveryRetention, days: Int, tick: Duration, logger: Logger) {
        self.retention = retention
        self.days = days
        self.tick = tick
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await pruneOnce()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
    }

    /// One pass over what finished more than `days` days ago.
    @discardableResult
    public func pruneOnce(now: Date = Date()) async -> DeliveryRetention.Pruned {
        do {
            let pruned = try await retention.prune(finishedBefore: now.addingTimeInterval(-Double(days) * 86_400))
            if pruned != DeliveryRetention.Pruned() {
                logger.info("retention deleted finished deliveries and events",
                            metadata: ["deliveries": "\(pruned.deliveries)", "events": "\(pruned.events)", "days": "\(days)"])
            }
            return pruned
        } catch {
            logger.warning("retention pass failed; the next one retries", metadata: ["error": "\(error)"])
            return DeliveryRetention.Pruned()
        }
    }
}
