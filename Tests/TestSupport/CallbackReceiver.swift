import Foundation
import HTTPTypes
import Hummingbird
import Kling
import Logging
import NIOCore
import ServiceLifecycle

/// A tiny HTTP server that records the callbacks it is sent, and refuses the
/// first `refuseFirst` of them with a 500.
public actor CallbackReceiver {
    public struct Delivery: Sendable {
        public var webhookID: String?
        public var timestamp: String?
        public var signature: String?
        public var body: Data
        /// Whether it was answered 2xx.
        public var accepted: Bool

        public var json: JSONValue { (try? JSONValue.decode(body)) ?? .null }
        public var taskStatus: String? { json["task_status"]?.stringValue }
    }

    public private(set) var deliveries: [Delivery] = []
    private var refusalsLeft: Int
    private var server: (group: ServiceGroup, task: Task<Void, Never>)?

    public init(refuseFirst: Int = 0) {
        refusalsLeft = refuseFirst
    }

    /// Starts listening; returns the URL to give as callback_url.
    public func start() async throws -> String {
        let router = Router()
        router.post("callback") { request, _ -> Response in
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let accepted = await self.record(request.headers, body: body)
            return Response(status: accepted ? .ok : .internalServerError)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "callback-receiver")
        logger.logLevel = .warning
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: application.logger))
        server = (group, Task { try? await group.run() })
        var port = 0
        for await bound in ports { port = bound }
        return "http://127.0.0.1:\(port)/callback"
    }

    public func stop() async {
        await server?.group.triggerGracefulShutdown()
        await server?.task.value
    }

    /// The accepted deliveries once there are `count`, or what came within `timeout` seconds.
    public func waitForAccepted(_ count: Int, timeout: Double = 10) async -> [Delivery] {
        let deadline = Date().addingTimeInterval(timeout)
        while deliveries.filter(\.accepted).count < count, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return deliveries.filter(\.accepted)
    }

    private func record(_ headers: HTTPFields, body: Data) -> Bool {
        let accepted = refusalsLeft == 0
        if !accepted { refusalsLeft -= 1 }
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        deliveries.append(Delivery(
            webhookID: header("webhook-id"), timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"), body: body, accepted: accepted
        ))
        return accepted
    }
}
