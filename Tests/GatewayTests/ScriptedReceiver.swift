import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A loopback HTTP server whose every answer is chosen by the test: a redirect, a tarpit (an answer
/// held until `release()`), or a plain status. It records what reached it.
actor ScriptedReceiver {
    enum Behaviour: Sendable {
        case status(Int)
        case redirect(to: String)
        case tarpit
    }

    struct Hit: Sendable {
        var path: String
        var host: String?
        var webhookID: String?
    }

    let behaviour: Behaviour
    private(set) var hits: [Hit] = []
    private var released = false
    private var server: (group: ServiceGroup, task: Task<Void, Never>)?
    private(set) var port = 0

    init(_ behaviour: Behaviour) {
        self.behaviour = behaviour
    }

    func release() { released = true }
    var isReleased: Bool { released }

    private func record(_ request: Request) {
        hits.append(Hit(path: request.uri.path, host: request.head.authority,
                        webhookID: HTTPField.Name("webhook-id").flatMap { request.headers[$0] }))
    }

    /// Starts listening; returns the base URL (`http://127.0.0.1:PORT`).
    func start() async throws -> String {
        let router = Router()
        let behaviour = self.behaviour
        router.post("**") { request, _ -> Response in
            await self.record(request)
            switch behaviour {
            case .status(let code):
                return Response(status: .init(code: code))
            case .redirect(let location):
                return Response(status: .temporaryRedirect, headers: [.location: location])
            case .tarpit:
                while !(await self.isReleased) { try? await Task.sleep(for: .milliseconds(50)) }
                return Response(status: .ok)
            }
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "scripted-receiver")
        logger.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        server = (group, Task { try? await group.run() })
        for await bound in ports { port = bound }
        return "http://127.0.0.1:\(port)"
    }

    func stop() async {
        released = true
        await server?.group.triggerGracefulShutdown()
        await server?.task.value
    }
}
