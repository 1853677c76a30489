import Accounting
import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Sends tenant callbacks from the outbox, signed per Standard Webhooks (`webhook-id` a random
/// `msg_…` per delivery, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`).
///
/// Safety (docs/security.md): redirects are never followed (a 3xx is a failed attempt); each attempt
/// resolves the name once, checks every address and connects to the checked one, keeping the Host
/// header and TLS server name; an attempt times out after `attemptTimeout`. Deliveries run side by
/// side, leased fairly per tenant and target, so a dead receiver delays only its own tenant. Failed
/// attempts back off with jitter; after the outbox's `maxAttempts` a delivery is given up, logged and
/// counted. On SIGTERM the attempts in hand are finished; the rest wait in PostgreSQL.
public struct CallbackDeliveryService: Service {
    let outbox: CallbackOutboxStore
    let allowPrivate: Bool
    let resolver: CallbackResolver
    let attemptTimeout: Duration
    let tick: Duration
    let logger: Logger
    /// Attempts in flight in this process at most.
    static let capacity = 32

    public init(outbox: CallbackOutboxStore, allowPrivate: Bool, resolver: CallbackResolver = .system,
                attemptTimeout: Duration = .seconds(10), tick: Duration = .seconds(1), logger: Logger) {
        self.outbox = outbox
        self.allowPrivate = allowPrivate
        self.resolver = resolver
        self.attemptTimeout = attemptTimeout
        self.tick = tick
        self.logger = logger
    }

    enum Event { case tick, finished }

    /// Keeps up to `capacity` attempts in flight; leases more whenever one finishes or a tick passes,
    /// never waiting for a batch as a whole.
    public func run() async throws {
        await withTaskGroup(of: Event.self) { group in
            var inFlight = 0
            group.addTask { try? await Task.sleep(for: tick); return .tick }
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                for delivery in await lease(Self.capacity - inFlight) {
                    inFlight += 1
                    group.addTask { await deliver(delivery); return .finished }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .finished: inFlight -= 1
                case .tick: group.addTask { try? await Task.sleep(for: tick); return .tick }
                }
            }
            group.cancelAll()  // the ticker; attempts in hand are short and are awaited here
        }
    }

    /// Leases the due callbacks (fairly) and sends them side by side; returns how many were leased.
    @discardableResult
    public func deliverOnce() async -> Int {
        let due = await lease(Self.capacity)
        await withTaskGroup(of: Void.self) { group in
            for delivery in due { group.addTask { await deliver(delivery) } }
        }
        return due.count
    }

    private func lease(_ limit: Int) async -> [CallbackDelivery] {
        do {
            // the lease outlasts an attempt, so a live attempt is never leased twice
            let seconds = Int(attemptTimeout.components.seconds) + 50
            return try await outbox.leaseDue(limit: limit, leaseSeconds: seconds)
        } catch {
            logger.warning("callback outbox unavailable", metadata: ["error": "\(error)"])
            return []
        }
    }

    func deliver(_ delivery: CallbackDelivery) async {
        let target = await CallbackTarget.check(delivery.url, allowPrivate: allowPrivate, resolver: resolver)
        guard case .connect(let host, let address) = target else {
            if case .refused(let reason) = target { await failed(delivery, status: nil, error: reason) }
            return
        }
        do {
            let status = try await send(delivery, host: host, address: address)
            if (200..<300).contains(status) {
                try await outbox.markDelivered(delivery.id, status: status)
                CallbackMetrics.sent(kind: delivery.kind)
            } else {
                await failed(delivery, status: status, error: (300..<400).contains(status) ? "HTTP \(status): redirects are not followed" : "HTTP \(status)")
            }
        } catch {
            await failed(delivery, status: nil, error: "\(error)")
        }
    }

    /// One POST to `address`, with `host` kept as the Host header and TLS server name (AsyncHTTPClient's
    /// `dnsOverride`, which names the address to connect to for a host and leaves SNI and certificate
    /// checks on the host). A client of its own per attempt, so the override is this attempt's alone.
    private func send(_ delivery: CallbackDelivery, host: String, address: IPAddress) async throws -> Int {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(min(5, attemptTimeout.components.seconds)), read: .seconds(attemptTimeout.components.seconds)))
        if IPAddress(host) == nil { configuration.dnsOverride = [host: address.description] }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            let timestamp = String(Int(Date().timeIntervalSince1970))
            let body = delivery.payload.data
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "webhook-id", value: delivery.messageID)
            request.headers.add(name: "webhook-timestamp", value: timestamp)
            request.headers.add(name: "webhook-signature", value: Self.signatures(delivery, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(attemptTimeout.components.seconds))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            try? await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func failed(_ delivery: CallbackDelivery, status: Int?, error: String) async {
        var metadata: Logger.Metadata = ["tenant_id": "\(delivery.tenantID.uuidString.lowercased())", "delivery_id": "\(delivery.id)",
                                         "kind": "\(delivery.kind)", "attempt": "\(delivery.attempts)", "error": "\(error)"]
        if let taskID = delivery.taskID { metadata["task_id"] = "\(taskID.uuidString.lowercased())" }
        let permanent = error.hasPrefix("refused:")
        do {
            if try await outbox.markFailed(delivery.id, attempts: delivery.attempts, status: status, error: error, permanent: permanent) {
                logger.warning("callback delivery given up", metadata: metadata)
                CallbackMetrics.gaveUp(kind: delivery.kind)
            } else {
                logger.info("callback delivery failed; will retry", metadata: metadata)
                CallbackMetrics.failed(kind: delivery.kind)
            }
        } catch {
            logger.warning("callback outbox unavailable", metadata: ["error": "\(error)"])
        }
    }

    /// The `webhook-signature` value: the current secret's signature, and for 24 h after a rotation the
    /// previous secret's beside it, space-separated (docs/events.md).
    static func signatures(_ delivery: CallbackDelivery, timestamp: String, body: Data) -> String {
        let current = signature(secret: delivery.secret, id: delivery.messageID, timestamp: timestamp, body: body)
        guard let previous = delivery.previousSecret, previous != delivery.secret else { return current }
        return current + " " + signature(secret: previous, id: delivery.messageID, timestamp: timestamp, body: body)
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
