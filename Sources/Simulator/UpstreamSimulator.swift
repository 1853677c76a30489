import AsyncHTTPClient
import Hummingbird
import Logging
import ServiceLifecycle

/// A Kling Omni compatible upstream, in-process: the gateway's tests start it
/// on port 0, the `upstream-simulator` command serves it for demos.
public final class UpstreamSimulator: Sendable {
    public let config: SimulatorConfig
    let logger: Logger
    let store: TaskStore
    let callbacks: CallbackDispatcher
    private let servers = RunningServers()

    public init(config: SimulatorConfig = SimulatorConfig(), logger: Logger = Logger(label: "omnimeter.upstream-simulator")) {
        self.config = config
        self.logger = logger
        store = TaskStore(config: config)
        let sender = CallbackSender(
            client: .shared, signer: config.webhookSecret.map(WebhookSigner.init(secret:)),
            attempts: config.callbackAttempts, timeout: config.callbackTimeout
        )
        callbacks = CallbackDispatcher(store: store, sender: sender, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT. `onListening` gets the bound port once
    /// the server accepts connections.
    public func run(host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let application = makeApplication(host: host, port: port, onListening: onListening)
        do {
            try await application.runService()
        } catch {
            await callbacks.stop()
            throw error
        }
        await callbacks.stop()
    }

    /// Starts serving in the background and returns the bound port (pass
    /// port 0 for any free one). End it with `stop()`.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let (ports, continuation) = AsyncThrowingStream<Int, any Error>.makeStream()
        let application = makeApplication(host: host, port: port) { bound in
            continuation.yield(bound)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        await servers.add(group, Task {
            do {
                try await group.run()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        })
        for try await bound in ports { return bound }
        throw SimulatorStartError(host: host, port: port)
    }

    /// Stops the servers `start` launched and the callbacks in flight.
    public func stop() async {
        await servers.stopAll()
        await callbacks.stop()
    }

    private func makeApplication(
        host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: SimulatorContext.self)
        router.add(middleware: ErrorMiddleware())
        SimulatorRoutes(config: config, store: store, callbacks: callbacks).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "omnimeter-upstream-simulator"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}

/// The server ended before it accepted connections.
public struct SimulatorStartError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var description: String { "upstream simulator did not start on \(host):\(port)" }
}
