import ServiceLifecycle

/// The HTTP servers `start` launched, so that `stop` can end them gracefully
/// (idle keep-alive connections closed, requests in flight answered).
actor RunningServers {
    private var running: [(group: ServiceGroup, task: Task<Void, Never>)] = []

    func add(_ group: ServiceGroup, _ task: Task<Void, Never>) {
        running.append((group, task))
    }

    func stopAll() async {
        let stopping = running
        running.removeAll()
        for server in stopping { await server.group.triggerGracefulShutdown() }
        for server in stopping { await server.task.value }
    }
}
