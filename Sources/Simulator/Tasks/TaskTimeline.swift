import Foundation

/// A task's statuses and when each begins, laid out when the task is created
/// so that a query computes the status from the clock alone. A test may
/// force a status: the steps not yet reached are replaced by the forced one.
struct TaskTimeline: Sendable {
    struct Step: Sendable, Equatable {
        var status: SimulatedStatus
        var at: Date
        /// task_status_msg while this step holds.
        var message: String
    }

    /// Ascending in time, never empty; the first is submitted, at creation.
    private(set) var steps: [Step]

    /// submitted now, processing after `processingAfter`, `outcome` after
    /// `duration`. Every status gets a step, even one that lasts no time, so
    /// that callbacks report each change.
    init(createdAt: Date, processingAfter: Double, duration: Double, outcome: SimulatedStatus, message: String) {
        precondition(outcome.isFinal, "a task's planned outcome is succeed or failed")
        let end = createdAt.addingTimeInterval(max(duration, 0))
        let processing = createdAt.addingTimeInterval(min(max(processingAfter, 0), max(duration, 0)))
        steps = [
            Step(status: .submitted, at: createdAt, message: ""),
            Step(status: .processing, at: processing, message: ""),
            Step(status: outcome, at: end, message: message),
        ]
    }

    /// The step in force at `date`.
    func step(at date: Date) -> Step {
        steps.last { $0.at <= date } ?? steps[0]
    }

    /// Pins the task to `status` from `now` on: later steps are dropped.
    mutating func force(_ status: SimulatedStatus, message: String, at now: Date) {
        steps.removeAll { $0.at > now }
        if let last = steps.last, last.status == status, last.message == message { return }
        steps.append(Step(status: status, at: now, message: message))
    }
}
