import Foundation
import NIOCore

/// The open HTTP connections of one server, and which of them are still waiting for a complete request
/// head. When the bound (`OMNIMETER_MAX_CONNECTIONS`) is reached, the connection that has waited longest
/// for its head is closed to make room, so a client holding many half-sent requests cannot keep new
/// clients (health checks included) out (docs/security.md, "HTTP").
final class ConnectionRegistry: @unchecked Sendable {
    let maxConnections: Int
    private let lock = NSLock()
    private var open = 0
    private var waiting: [ObjectIdentifier: (channel: any Channel, since: NIODeadline)] = [:]

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    var openConnections: Int { lock.withLock { open } }

    func opened() { lock.withLock { open += 1 } }
    func closed() { lock.withLock { open -= 1 } }

    func waitingForHead(_ channel: any Channel) {
        lock.withLock { waiting[ObjectIdentifier(channel)] = (channel, .now()) }
    }

    func notWaiting(_ channel: any Channel) {
        lock.withLock { _ = waiting.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// True while under the bound; at the bound, closes the longest-waiting half-sent connection (the
    /// server accepts again once it has closed) and answers false.
    func mayAccept() -> Bool {
        let victim: (any Channel)? = lock.withLock {
            guard open >= maxConnections else { return nil }
            guard let oldest = waiting.min(by: { $0.value.since < $1.value.since }) else { return nil }
            waiting.removeValue(forKey: oldest.key)
            return oldest.value.channel
        }
        if let victim {
            victim.close(promise: nil)
            return false
        }
        return lock.withLock { open < maxConnections }
    }
}
