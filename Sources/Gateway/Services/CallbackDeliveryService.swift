import Accounting
import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Sends tenant callbacks from the outbox, signed per Standard Webhooks
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`), with bounded
/// retries and backoff. On SIGTERM the batch in hand is finished; undelivered rows wait in PostgreSQL.
public struct CallbackDeliveryService: Service {
    let outbox: CallbackOutboxStore
    let http: HTTPClient
    let allowPrivate: Bool
    let tick: Duration
    let logger: Logger
    static let batchSize = 16

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await deliverOnce() < Self.batchSize {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            }
        }
    }

    /// Sends one batch of due callbacks; returns how many were leased.
    @discardableResult
    public func deliverOnce() async -> Int {
        do {
            let due = try await outbox.leaseDue(limit: Self.batchSize, leaseSeconds: 60)
            await withTaskGroup(of: Void.self) { group in
                for delivery in due { group.addTask { await deliver(delivery) } }
            }
            return due.count
        } catch {
            logger.warning("callback outbox unavailable", metadata: ["error": "\(error)"])
            return 0
        }
    }

    func deliver(_ delivery: CallbackDelivery) async {
        do {
            if !allowPrivate, await CallbackTarget.resolvesToPrivate(delivery.url) {
                try await outbox.markFailed(delivery.id, attempts: delivery.attempts,
                                            error: "refused: the URL is loopback, private or unresolvable (OMNIMETER_ALLOW_PRIVATE_CALLBACKS=1 allows it)",
                                            permanent: true)
                return
            }
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            let messageID = "msg_\(delivery.id)"
            let timestamp = String(Int(Date().timeIntervalSince1970))
            let body = delivery.payload.data
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "webhook-id", value: messageID)
            request.headers.add(name: "webhook-timestamp", value: timestamp)
            request.headers.add(name: "webhook-signature", value: Self.signature(secret: delivery.secret, id: messageID, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await http.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                try await outbox.markDelivered(delivery.id)
            } else {
                try await outbox.markFailed(delivery.id, attempts: delivery.attempts, error: "HTTP \(response.status.code)")
            }
        } catch {
            logger.info("callback delivery failed", metadata: ["task_id": "\(delivery.taskID.uuidString.lowercased())", "attempt": "\(delivery.attempts)", "error": "\(error)"])
            try? await outbox.markFailed(delivery.id, attempts: delivery.attempts, error: "\(error)")
        }
    }

    /// `v1,` + base64(HMAC-SHA256(secret, "id.timestamp.body")); the secret is `whsec_` + base64 key bytes.
    static func signature(secret: String, id: String, timestamp: String, body: Data) -> String {
        let encodedKey = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        let keyBytes = Data(base64Encoded: encodedKey) ?? Data(encodedKey.utf8)
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes))
        return "v1,\(Data(mac).base64EncodedString())"
    }
}
