import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns a host name into addresses, once per delivery attempt. Injectable so that tests can answer
/// differently on each call (DNS rebinding); the default asks the system (`getaddrinfo`).
public struct CallbackResolver: Sendable {
    public let resolve: @Sendable (_ host: String) async -> [IPAddress]

    public init(_ resolve: @escaping @Sendable (_ host: String) async -> [IPAddress]) {
        self.resolve = resolve
    }

    public static let system = CallbackResolver { host in
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(list) }
                var found: [IPAddress] = []
                var cursor = list
                while let entry = cursor {
                    if let address = IPAddress(entry.pointee.ai_addr), !found.contains(address) { found.append(address) }
                    cursor = entry.pointee.ai_next
                }
                continuation.resume(returning: found)
            }
        }
    }
}
