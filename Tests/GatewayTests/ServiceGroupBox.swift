import Logging
import ServiceLifecycle

/// Runs one service in a group of its own until `stop()`.
final class ServiceGroupBox: Sendable {
    let group: ServiceGroup
    let task: Task<Void, Never>

    init(_ service: some Service, whenEnded: @escaping @Sendable () -> Void = {}) {
        var logger = Logger(label: "live-gateway")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        self.group = group
        task = Task {
            try? await group.run()
            whenEnded()
        }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }
}
