import HummingbirdCore
import Logging

/// Hummingbird's connection-accepting delegate over a `ConnectionRegistry`: counts connections and
/// stops accepting at the bound (after making room, when a half-sent connection can be closed).
struct BoundedConnections: AvailableConnectionsDelegate {
    let registry: ConnectionRegistry

    mutating func connectionOpened() { registry.opened() }
    mutating func connectionClosed() { registry.closed() }
    func isAcceptingNewConnections() -> Bool { registry.mayAccept() }
}
