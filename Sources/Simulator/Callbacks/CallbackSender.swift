import AsyncHTTPClient
import Foundation
import NIOCore

/// POSTs one callback body, signed when a secret is set, retrying a few
/// times with a growing pause. Never throws: a callback that cannot be
/// delivered is given up, as the upstream does.
struct CallbackSender: Sendable {
    static let firstPause = Duration.milliseconds(100)
    static let longestPause = Duration.seconds(2)

    let client: HTTPClient
    let signer: WebhookSigner?
    let attempts: Int
    let timeout: Duration

    /// True once an attempt is answered 2xx. `messageID` stays the same across
    /// attempts, so a receiver can drop duplicates.
    func post(_ body: Data, to url: String, messageID: String) async -> Bool {
        var pause = Self.firstPause
        for attempt in 0..<max(attempts, 1) {
            if attempt > 0 {
                do { try await Task.sleep(for: pause) } catch { return false }
                pause = min(pause * 2, Self.longestPause)
            }
            if await attemptOnce(body, to: url, messageID: messageID) { return true }
        }
        return false
    }

    private func attemptOnce(_ body: Data, to url: String, messageID: String) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "omnimeter-upstream-simulator")
        if let signer {
            let timestamp = Int(Date().timeIntervalSince1970)
            for header in signer.headers(id: messageID, timestamp: timestamp, body: body) {
                request.headers.add(name: header.name, value: header.value)
            }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout.timeInterval * 1000)))
            _ = try await response.body.collect(upTo: 1 << 20)
            return (200..<300).contains(Int(response.status.code))
        } catch {
            return false
        }
    }
}
