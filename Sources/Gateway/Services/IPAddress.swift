import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as bytes, and whether a tenant's callback may be sent to it.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init?(_ text: String) {
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

    /// The address as text (`127.0.0.1`, `::1`), what the HTTP client connects to.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Loopback, private, link-local, shared, multicast or reserved; for IPv6 also every form that
    /// carries an IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`,
    /// 6to4 `2002::/16`), judged by the IPv4 address inside.
    public var isPrivate: Bool {
        guard bytes.count == 16 else { return Self.privateV4(bytes) }
        let b = bytes
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return Self.privateV4(Array(b[12...])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return true }  // ::, ::1 and IPv4-compatible (deprecated, never public)
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b {  // 64:ff9b::/96 and the local-use 64:ff9b:1::/48
            return b[4..<12].allSatisfy({ $0 == 0 }) ? Self.privateV4(Array(b[12...])) : true
        }
        if b[0] == 0x20 && b[1] == 0x02 { return Self.privateV4(Array(b[2..<6])) }  // 6to4
        if b[0] & 0xfe == 0xfc { return true }                   // fc00::/7 unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return true }   // fe80::/10 link-local
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return true }   // fec0::/10 site-local (deprecated)
        if b[0] == 0xff { return true }                          // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return true } // documentation
        return false
    }

    static func privateV4(_ b: [UInt8]) -> Bool {
        b[0] == 0 || b[0] == 10 || b[0] == 127
            || (b[0] == 100 && b[1] & 0xc0 == 64)     // 100.64.0.0/10 shared
            || (b[0] == 169 && b[1] == 254)           // link-local, cloud metadata
            || (b[0] == 172 && b[1] & 0xf0 == 16)     // 172.16.0.0/12
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0) // 192.0.0.0/24 protocol assignments
            || (b[0] == 198 && b[1] & 0xfe == 18)     // 198.18.0.0/15 benchmarking
            || b[0] >= 224                            // multicast, reserved, broadcast
    }
}
