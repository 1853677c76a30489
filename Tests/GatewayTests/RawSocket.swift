import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP client for attacks a well-behaved HTTP client cannot make: half-sent request heads,
/// downloads that are never read.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // a small receive buffer, so that a download that is not read stalls soon
        var size: Int32 = 16 * 1024
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw RawSocketError("connect: \(errno)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Up to `count` bytes, waiting at most `seconds`; nil when nothing came (empty: closed by the peer).
    func read(_ count: Int, seconds: Double) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = recv(fd, &buffer, count, 0)
        return got <= 0 ? [] : Array(buffer.prefix(got))
    }

    /// `read` off the cooperative thread pool, whose few threads the server under test needs.
    func read(_ count: Int, within seconds: Double) async -> [UInt8]? {
        await Self.offPool { self.read(count, seconds: seconds) }
    }

    /// Everything until the peer closes (or `seconds` pass), off the cooperative thread pool.
    func readToEnd(within seconds: Double) async -> [UInt8] {
        await Self.offPool {
            var all: [UInt8] = []
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, let bytes = self.read(64 * 1024, seconds: max(0.01, deadline.timeIntervalSinceNow)), !bytes.isEmpty {
                all += bytes
            }
            return all
        }
    }

    /// `closedByPeer` off the cooperative thread pool.
    func closed(within seconds: Double) async -> Bool {
        await Self.offPool { self.closedByPeer(within: seconds) }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }

    /// Whether the peer closed the connection within `seconds` (data that arrives first is drained).
    func closedByPeer(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let bytes = read(64 * 1024, seconds: max(0.01, deadline.timeIntervalSinceNow)) else { return false }
            if bytes.isEmpty { return true }
        }
        return false
    }
}

struct RawSocketError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The gateway's real HTTP server (`makeApplication`, with its limits) on a loopback port of its own.
struct LiveGateway {
    let port: Int
    let group: ServiceGroupBox

    /// `harness` must be made with `LiveGateway.environment` (port 0, loopback).
    static let environment = ["OMNIMETER_LISTEN": "127.0.0.1:0"]

    static func start(_ harness: Harness) async throws -> LiveGateway {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = harness.gateway.makeApplication { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let box = ServiceGroupBox(application) { continuation.finish() }  // a server that cannot start ends the wait
        var port = 0
        for await bound in ports { port = bound }
        guard port != 0 else { throw RawSocketError("the gateway did not start (is OMNIMETER_LISTEN 127.0.0.1:0?)") }
        return LiveGateway(port: port, group: box)
    }

    func stop() async { await group.stop() }

    /// One whole request on a fresh connection; the status code, or nil if nothing came within `seconds`.
    func status(_ request: String, seconds: Double = 10) async throws -> Int? {
        let socket = try RawSocket(port: port)
        socket.send(request)
        guard let bytes = await socket.read(12, within: seconds), bytes.count >= 12 else { return nil }
        return Int(String(decoding: bytes[9..<12], as: UTF8.self))
    }
}
