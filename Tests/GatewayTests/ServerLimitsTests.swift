import Foundation
import Gateway
import Testing

/// Slow-loris: connections that never finish their request head are closed by the server, and the
/// service keeps answering new connections, health checks included, while one client holds many.
@Suite struct ServerLimitsTests {
    @Test func halfSentRequestHeadsAreClosedAndHealthStillAnswers() async throws {
        let harness = try await Harness.make(environment: LiveGateway.environment.merging(["OMNIMETER_MAX_CONNECTIONS": "64"]) { $1 })
        let live = try await LiveGateway.start(harness)
        var attackers: [RawSocket] = []
        for _ in 0..<200 {
            let socket = try RawSocket(port: live.port)
            socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")  // never finished
            attackers.append(socket)
        }
        // during the attack, with more half-open sockets than the bound, health answers
        let health = try await live.status("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", seconds: 15)
        #expect(health == 200)
        // every half-open socket is closed by the server (evicted at the bound, or after the 10 s head timeout)
        var stillOpen = 0
        for socket in attackers {
            if await !socket.closed(within: 15) { stillOpen += 1 }
        }
        #expect(stillOpen == 0, "\(stillOpen) of 200 half-sent connections were kept open")
        #expect(try await live.status("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") == 200)
        await live.stop()
        await harness.stop()
    }

    @Test func aKeptAliveConnectionThatStartsASecondHeadMustFinishIt() async throws {
        let harness = try await Harness.make(environment: LiveGateway.environment)
        let live = try await LiveGateway.start(harness)
        let socket = try RawSocket(port: live.port)
        socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try #require(await socket.read(12, within: 10))
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")  // the second head is never finished
        #expect(await socket.closed(within: 15))
        await live.stop()
        await harness.stop()
    }
}
