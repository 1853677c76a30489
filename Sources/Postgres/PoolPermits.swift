/// A counting semaphore with a wait timeout: how `PostgresPool` keeps bulk reads to `bulkLimit`
/// connections, so that exports can never take the connections reservations and settlements need.
actor PoolPermits {
    private var available: Int
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextID = 0

    init(_ permits: Int) {
        available = permits
    }

    func acquire(timeout: Duration) async throws {
        if available > 0 {
            available -= 1
            return
        }
        nextID += 1
        let id = nextID
        try await withCheckedThrowingContinuation { continuation in
            waiters.append((id, continuation))
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(id, after: timeout)
            }
        }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func expire(_ id: Int, after timeout: Duration) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: PostgresError(.poolTimeout, message: "no database connection for bulk reads became free within \(timeout)"))
    }
}

extension PostgresPool {
    /// Runs `body` (which uses this pool) as a bulk read: it waits while `bulkLimit` bulk reads run.
    public func asBulkRead<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await bulkPermits.acquire(timeout: acquireTimeout)
        do {
            let result = try await body()
            await bulkPermits.release()
            return result
        } catch {
            await bulkPermits.release()
            throw error
        }
    }
}
