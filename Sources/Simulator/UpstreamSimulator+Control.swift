import Foundation

/// What tests use to steer the simulator and to check what it received.
extension UpstreamSimulator {
    /// Replaces the faults in force; requests already running keep theirs.
    public func setFaults(_ faults: SimulatorFaults) async {
        await store.setFaults(faults)
    }

    public func faults() async -> SimulatorFaults {
        await store.faults
    }

    /// Every task kept, oldest first, as it stands now.
    public func tasks() async -> [SimulatedTask] {
        let now = Date()
        return await store.all().map { SimulatedTask($0, at: now) }
    }

    /// A task by its task_id, else by an external_task_id (of any account).
    public func task(id: String) async -> SimulatedTask? {
        await store.lookup(id).map { SimulatedTask($0, at: Date()) }
    }

    /// Requests received and callbacks made so far.
    public func counts() async -> SimulatorCounts {
        await store.counts
    }

    /// Pins a task (by task_id or external_task_id) to `status` from now on,
    /// whatever its timeline said, and calls the change back. A failed
    /// status gets `message`, or a default one, as task_status_msg.
    @discardableResult
    public func forceStatus(taskID: String, status: SimulatedStatus, message: String? = nil) async -> SimulatedTask? {
        let text = message ?? (status == .failed ? "simulated failure: forced by the test" : "")
        guard let record = await store.force(taskID, status: status, message: text) else { return nil }
        if record.callbackURL != nil { await callbacks.deliver(record.id) }
        return SimulatedTask(record, at: Date())
    }
}
