import Accounting
import Foundation
import Kling

/// What to do after one look upstream at a task: a pure function of (task, upstream answer, now),
/// so every branch of the task's life is table-tested without a database (docs/task-life.md).
/// `TaskFollower` carries the decision out.
public enum FollowDecision: Sendable, Equatable {
    /// The upstream made it: charge it from its stored priced request (a late charge if it had expired).
    case settleSucceeded
    /// The upstream could not make it: release everything.
    case settleFailed(message: String)
    /// Unfinished past the task timeout: release everything.
    case expire
    /// Still running, or the upstream could not be asked: look again after `delay`, recording the
    /// state and the upstream's id when the answer gave them.
    case reschedule(after: Delay, state: TaskState? = nil, upstreamTaskID: String? = nil)
    /// Submitted while the answer was unknown, and the upstream does not have it: send it again.
    case resubmit
    /// Never sent, and the upstream does not have it: nobody was told it exists, so release the hold.
    case releaseNeverSent
    /// Sent too many times without the upstream ever having it: release the hold.
    case giveUpSubmitting
    /// Nothing to do (an ended task, and nothing that changes its bill).
    case leave

    public enum Delay: Sendable, Equatable {
        /// The poll interval.
        case poll
        /// The longer wait after a failed look.
        case backoff
    }

    /// What the decision reads of a task.
    public struct Progress: Sendable, Equatable {
        public var state: TaskState
        public var submitAttempts: Int
        /// When the task was submitted (else created): the task timeout counts from here.
        public var startedAt: Date

        public init(state: TaskState, submitAttempts: Int, startedAt: Date) {
            self.state = state
            self.submitAttempts = submitAttempts
            self.startedAt = startedAt
        }

        public init(_ task: TaskRecord) {
            self.init(state: task.state, submitAttempts: task.submitAttempts, startedAt: task.submittedAt ?? task.createdAt)
        }
    }

    /// How many times a task is sent upstream at most before it is given up (and released).
    public static let maxSubmitAttempts = 5

    public static func decide(_ task: Progress, answer: UpstreamClient.QueryOutcome, now: Date, timeoutSeconds: Double) -> FollowDecision {
        guard task.state.isOpen else {
            // a success the upstream reports after we expired the task is charged, explicitly, once
            if task.state == .expired, case .found(let found, _) = answer, found.status == .succeed { return .settleSucceeded }
            return .leave
        }
        let overdue = now.timeIntervalSince(task.startedAt) > timeoutSeconds
        switch answer {
        case .found(let found, _):
            switch found.status {
            case .succeed: return .settleSucceeded
            case .failed: return .settleFailed(message: found.statusMessage ?? "failed upstream")
            case .submitted, .processing, .other:
                if overdue { return .expire }
                return .reschedule(after: .poll, state: found.status == .processing ? .processing : .submitted, upstreamTaskID: found.taskID)
            }
        case .notFound:
            if overdue { return .expire }
            guard task.state == .reserved else { return .reschedule(after: .backoff) }
            // Never sent: the process that reserved it died, or its commit's answer was lost. Sending it
            // now would be work nobody waits for (and a retry would double it).
            if task.submitAttempts == 0 { return .releaseNeverSent }
            return task.submitAttempts >= maxSubmitAttempts ? .giveUpSubmitting : .resubmit
        case .unavailable:
            return overdue ? .expire : .reschedule(after: .backoff)
        }
    }
}
