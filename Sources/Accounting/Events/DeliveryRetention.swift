import Foundation
import Postgres

/// Deletes what an operator chose not to keep (docs/events.md, "Retention"): deliveries that finished
/// (delivered or given up) before a cutoff, then the events created before it that have no delivery
/// left. A pending delivery, and so its event, is never deleted. No money is in either table; the ledger
/// and the tasks are never touched.
public struct DeliveryRetention: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public struct Pruned: Sendable, Equatable {
        public var deliveries = 0
        public var events = 0

        public init(deliveries: Int = 0, events: Int = 0) {
            self.deliveries = deliveries
            self.events = events
        }
    }

    /// Deletes in batches of `batch` rows, each its own short statement, so that no long transaction holds
    /// the outbox; stops when a batch finds fewer.
    public func prune(finishedBefore cutoff: Date, batch: Int = 1000) async throws -> Pruned {
        var pruned = Pruned()
        while true {
            let count = try await pool.queryFirst("""
                WITH gone AS (
                    DELETE FROM callback_outbox WHERE id IN (
                        SELECT id FROM callback_outbox
                        WHERE (delivered_at IS NOT NULL OR gave_up_at IS NOT NULL) AND COALESCE(delivered_at, gave_up_at) < \(cutoff)
                        ORDER BY COALESCE(delivered_at, gave_up_at), id LIMIT \(batch))
                    RETURNING 1)
                SELECT count(*)::bigint AS n FROM gone
                """).expected("pruned deliveries").decode(Int64.self, "n")
            pruned.deliveries += Int(count)
            if count < batch { break }
        }
        while true {
            let count = try await pool.queryFirst("""
                WITH gone AS (
                    DELETE FROM events WHERE id IN (
                        SELECT e.id FROM events e
                        WHERE e.created_at < \(cutoff) AND NOT EXISTS (SELECT 1 FROM callback_outbox o WHERE o.event_id = e.id)
                        ORDER BY e.created_at LIMIT \(batch))
                    RETURNING 1)
                SELECT count(*)::bigint AS n FROM gone
                """).expected("pruned events").decode(Int64.self, "n")
            pruned.events += Int(count)
            if count < batch { break }
        }
        return pruned
    }
}
