import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a tenant's callback URL may be called: tenants must not be able to make omnimeter call
/// loopback, private, link-local or metadata addresses (SSRF) unless the operator allows it.
enum CallbackTarget {
    /// A cheap check at create time: the URL's host, when it is an address or "localhost".
    static func literalHostIsPrivate(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return true }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if let address = IPAddress(host) { return address.isPrivate }
        return false
    }

    /// The full check at delivery time: every address the host resolves to must be public.
    static func resolvesToPrivate(_ url: String) async -> Bool {
        guard let host = URL(string: url)?.host else { return true }
        if literalHostIsPrivate(url) { return true }
        let addresses = await resolve(host)
        return addresses.isEmpty || addresses.contains { $0.isPrivate }
    }

    static func resolve(_ host: String) async -> [IPAddress] {
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
                    if let address = IPAddress(entry.pointee.ai_addr) { found.append(address) }
                    cursor = entry.pointee.ai_next
                }
                continuation.resume(returning: found)
            }
        }
    }
}

/// An IPv4 or IPv6 address as bytes.
struct IPAddress {
    var bytes: [UInt8]

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
        } else if inet_pton(AF_INET6, trimmed, &v6) == 1 {
            bytes = withUnsafeBytes(of: v6) { Array($0) }
        } else {
            return nil
        }
    }

    init?(_ socketAddress: UnsafeMutablePointer<sockaddr>?) {
        guard let socketAddress else { return nil }
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
        case AF_INET6:
            bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } }
        default:
            return nil
        }
    }

    var isPrivate: Bool {
        if bytes.count == 16 {
            // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return Self.privateV4(Array(bytes[12...]))
            }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }   // :: and ::1
            if bytes[0] & 0xfe == 0xfc { return true }                 // fc00::/7 unique local
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true } // fe80::/10 link-local
            return false
        }
        return Self.privateV4(bytes)
    }

    static func privateV4(_ b: [UInt8]) -> Bool {
        b[0] == 0 || b[0] == 10 || b[0] == 127
            || (b[0] == 100 && b[1] & 0xc0 == 64)     // 100.64.0.0/10 shared
            || (b[0] == 169 && b[1] == 254)           // link-local, cloud metadata
            || (b[0] == 172 && b[1] & 0xf0 == 16)     // 172.16.0.0/12
            || (b[0] == 192 && b[1] == 168)
            || b[0] >= 224                            // multicast, reserved, broadcast
    }
}
