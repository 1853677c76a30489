import Accounting
import Foundation
import Kling
import Logging

/// Follows a task upstream: one look, a `FollowDecision` made from the answer, and this small
/// executor carrying it out. The create path, the poller and upstream callbacks share it (and
/// `TaskSubmitter`, `TaskSettler`), so they cannot disagree.
public struct TaskFollower: Sendable {
    let tasks: TaskStore
    let channels: UpstreamRouting
    let config: GatewayConfig
    let logger: Logger
    public let settler: TaskSettler
    public let submitter: TaskSubmitter

    public init(tasks: TaskStore, prices: PriceBookStore, channels: UpstreamRouting, config: GatewayConfig, logger: Logger) {
        self.tasks = tasks
        self.channels = channels
        self.config = config
        self.logger = logger
        settler = TaskSettler(tasks: tasks, prices: prices, logger: logger)
        submitter = TaskSubmitter(tasks: tasks, channels: channels, settler: settler, config: config, logger: logger)
    }

    /// One look at a task: a leased open one (the poller's step, `owner` its lease), or an expired one
    /// the upstream announced (a success is then charged late, once).
    /// The look goes to the channel that created the task (or was asked to), never another (docs/channels.md).
    public func follow(_ task: TaskRecord, owner: String?) async throws {
        let (decision, answer) = try await look(task)
        try await carryOut(decision, task, answer, owner: owner)
    }

    /// One look upstream at a task and the decision it makes.
    func look(_ task: TaskRecord) async throws -> (FollowDecision, UpstreamClient.QueryOutcome) {
        let answer: UpstreamClient.QueryOutcome
        if let upstream = try await channels.client(forTask: task.channelID) {
            answer = await upstream.query(task.endpoint, id: task.upstreamTaskID ?? task.id.uuidString.lowercased())
        } else {
            answer = .unavailable("channel \(task.channelID ?? UpstreamChannel.defaultID) cannot be called (unknown, or no OMNIMETER_UPSTREAM_URL)")
        }
        if case .unavailable(let reason) = answer {
            logger.debug("upstream unavailable for task", metadata: task.logMetadata(["reason": "\(reason)"]))
        }
        return (FollowDecision.decide(.init(task), answer: answer, now: Date(), timeoutSeconds: config.taskTimeoutSeconds), answer)
    }

    /// The settlement a decision makes, when it makes one (the rest are carried out by `carryOut`).
    func settlement(_ decision: FollowDecision, _ task: TaskRecord, _ answer: UpstreamClient.QueryOutcome) async throws -> SettlementRequest? {
        switch decision {
        case .settleSucceeded, .settleFailed:
            guard case .found(let found, let data) = answer else { return nil }
            return try await settler.settlement(task, found, data)
        case .expire:
            return SettlementRequest(taskID: task.id, outcome: .expired)
        case .releaseNeverSent:
            return SettlementRequest(taskID: task.id, outcome: .failed(message: Self.neverSent))
        case .giveUpSubmitting:
            return SettlementRequest(taskID: task.id, outcome: .failed(message: Self.gaveUp))
        case .reschedule, .resubmit, .leave:
            return nil
        }
    }

    static let neverSent = "not submitted: the gateway stopped before sending the task; the reservation was released"
    static let gaveUp = "could not be submitted upstream"

    func carryOut(_ decision: FollowDecision, _ task: TaskRecord, _ answer: UpstreamClient.QueryOutcome, owner: String?) async throws {
        switch decision {
        case .settleSucceeded, .settleFailed:
            guard case .found(let found, let data) = answer else { return }
            _ = try await settler.settle(task, found, data)
        case .expire:
            try await settler.end(task, .expired)
        case .reschedule(let delay, let state, let upstreamTaskID):
            try await tasks.reschedule(taskID: task.id, owner: owner, after: config.seconds(delay), state: state, upstreamTaskID: upstreamTaskID,
                                       channelID: task.channelID ?? UpstreamChannel.defaultID, known: task.state)
        case .resubmit:
            _ = try await submitter.submit(task, attemptsLeft: 1)
        case .releaseNeverSent:
            try await settler.end(task, .failed(message: Self.neverSent))
        case .giveUpSubmitting:
            try await settler.end(task, .failed(message: Self.gaveUp))
        case .leave:
            return
        }
    }
}
