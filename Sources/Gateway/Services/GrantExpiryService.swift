import Accounting
import Logging
import ServiceLifecycle

/// Expires credit grants at `expires_at`, within a tick (1 s) of it: each pass leases the due grants
/// (`FOR UPDATE SKIP LOCKED`, so instances share them) and expires each once, under its tenant's lock.
public struct GrantExpiryService: Service {
    let grants: GrantStore
    let tick: Duration
    let logger: Logger

    public init(grants: GrantStore, tick: Duration, logger: Logger) {
        self.grants = grants
        self.tick = tick
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await expireOnce()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
    }

    /// One pass; returns how many grants it expired.
    @discardableResult
    public func expireOnce() async -> Int {
        do {
            let expired = try await grants.expireDue()
            if expired > 0 { logger.info("grants expired", metadata: ["count": "\(expired)"]) }
            return expired
        } catch {
            logger.warning("grant expiry pass failed; the next one retries", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
