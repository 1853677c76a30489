import Accounting
import Foundation
import Kling
import Logging
import Postgres

/// Sends reserved tasks upstream, through the channels (docs/channels.md, "Routing and failover").
/// Only a definite answer ends a task here: a refusal, or no channel left that might take it. A
/// channel that definitely did not make the task (never connected, 429, refused sign-in, or an
/// unknown outcome that a lookup on the same channel says was not made) hands the task to the next
/// channel; an unknown outcome is never guessed, and never sent elsewhere while unknown.
public struct TaskSubmitter: Sendable {
    let tasks: TaskStore
    let channels: UpstreamRouting
    let settler: TaskSettler
    let config: GatewayConfig
    let logger: Logger

    public enum SubmitResult: Sendable {
        case submitted(TaskRecord)
        /// Refused upstream: the task was rejected and released.
        case refused(TaskRecord, httpStatus: Int, code: Int?, message: String)
        /// No channel could be reached (nothing was sent): the task failed and was released.
        case notSent(TaskRecord, message: String)
        /// Outcome unknown even after looking: the task stays reserved and the poller reconciles it.
        case pending(TaskRecord)
    }

    /// Why the last channel tried did not take the task.
    enum Miss {
        case notSent(String)
        case refused(httpStatus: Int, code: Int?, message: String)
        /// An unknown outcome that the lookup said was not made: this channel may be asked again.
        case notMade(UpstreamRouting.Route)
    }

    /// A refusal that is about the channel (its account, key or rate), not the task: another channel may take it.
    static func refusesChannel(httpStatus: Int) -> Bool {
        httpStatus == 429 || httpStatus == 401 || httpStatus == 403
    }

    /// Whether some channel takes `model`; creates are refused before anything is reserved otherwise.
    public func canRoute(model: String) async throws -> Bool {
        try await channels.hasRoute(model: model)
    }

    /// Sends a reserved task. Each channel is tried at most once, lowest priority first; an uncertain
    /// answer is looked up on the same channel by our id (sent as its external_task_id, unique there).
    /// With no other channel left, a channel whose lookup said "not made" is sent again, up to
    /// `attemptsLeft` sends in all.
    public func submit(_ task: TaskRecord, attemptsLeft: Int = 3) async throws -> SubmitResult {
        let body = try JSONValue.decode(task.requestBody.data)
        var tried: Set<String> = []
        var resendsLeft = max(0, attemptsLeft - 1)
        var miss: Miss?
        while true {
            var route = try await channels.pick(model: task.model, excluding: tried)
            if route == nil, case .notMade(let previous)? = miss, resendsLeft > 0 {
                resendsLeft -= 1
                route = previous
            }
            guard let route else { break }
            tried.insert(route.id)
            if route.id != UpstreamChannel.defaultID || task.channelID != nil {
                // named before the send: recovery after a crash asks the one channel that may have it
                try await tasks.recordChannel(taskID: task.id, channelID: route.id)
            }
            switch await route.client.create(task.endpoint, body: body) {
            case .accepted(let upstreamTaskID):
                await channels.router.succeeded(route.id)
                let updated = try await tasks.markSubmitted(task, upstreamTaskID: upstreamTaskID, channelID: route.id,
                                                            nextPollAfter: config.pollSeconds)
                return .submitted(try await current(updated, task.id))
            case .refused(let status, let code, let message) where Self.refusesChannel(httpStatus: status):
                await channels.router.failed(route.id)
                logger.warning("channel refused the submission; trying the next", metadata: task.logMetadata(["channel_id": "\(route.id)", "status": "\(status)"]))
                miss = .refused(httpStatus: status, code: code, message: message)
            case .refused(let status, let code, let message):
                await channels.router.succeeded(route.id)
                logger.info("upstream refused task", metadata: task.logMetadata(["channel_id": "\(route.id)", "status": "\(status)", "code": "\(code ?? 0)"]))
                let result = try await settler.end(task, .rejected(message: message), UpstreamSnapshot(statusMessage: message))
                return .refused(result.record, httpStatus: status, code: code, message: message)
            case .notSent(let reason):
                // Every send follows a check that the channel does not have the task (a fresh task, or a
                // lookup that said not found), so a connection never made means it was not created there.
                await channels.router.failed(route.id)
                logger.warning("channel unreachable; nothing was sent", metadata: task.logMetadata(["channel_id": "\(route.id)", "reason": "\(reason)"]))
                miss = .notSent(reason)
            case .uncertain(let reason):
                await channels.router.failed(route.id) // the lookup below belongs to this same failed submission
                logger.warning("upstream submission outcome unknown; looking it up on the same channel",
                               metadata: task.logMetadata(["channel_id": "\(route.id)", "reason": "\(reason)"]))
                switch await route.client.query(task.endpoint, id: task.id.uuidString.lowercased()) {
                case .found(let found, let data):
                    return .submitted(try await adopt(task, found, data, channelID: route.id))
                case .notFound:
                    miss = .notMade(route) // definitely not made there: another channel, or this one again, is safe
                case .unavailable:
                    try await tasks.markSubmitUncertain(taskID: task.id, channelID: route.id, retryAfter: config.backoffSeconds)
                    return .pending(try await current(nil, task.id))
                }
            }
        }
        return try await noChannelLeft(task, miss)
    }

    /// Every channel was tried (or none takes the model): end the task on the last definite answer.
    private func noChannelLeft(_ task: TaskRecord, _ miss: Miss?) async throws -> SubmitResult {
        switch miss {
        case .notMade(let route)?:
            try await tasks.markSubmitUncertain(taskID: task.id, channelID: route.id, retryAfter: config.backoffSeconds)
            return .pending(try await current(nil, task.id))
        case .refused(let status, let code, let message)?:
            let result = try await settler.end(task, .rejected(message: message), UpstreamSnapshot(statusMessage: message))
            return .refused(result.record, httpStatus: status, code: code, message: message)
        case .notSent(let reason)?:
            logger.warning("no channel reachable; the reservation is released", metadata: task.logMetadata(["reason": "\(reason)"]))
            let message = "upstream unreachable, nothing was sent: \(reason)"
            let result = try await settler.end(task, .failed(message: message), UpstreamSnapshot(statusMessage: "upstream unreachable; nothing was sent"))
            return .notSent(result.record, message: message)
        case nil:
            let message = "no upstream channel takes model \(task.model); nothing was sent"
            let result = try await settler.end(task, .failed(message: message), UpstreamSnapshot(statusMessage: message))
            return .notSent(result.record, message: message)
        }
    }

    /// A task the upstream has, whatever we knew of it: record its id and channel, and settle it if it has ended.
    func adopt(_ task: TaskRecord, _ found: UpstreamTask, _ data: JSONValue, channelID: String) async throws -> TaskRecord {
        if found.status.isFinal {
            try await tasks.recordChannel(taskID: task.id, channelID: channelID)
            return try await settler.settle(task, found, data).record
        }
        if task.state == .reserved {
            _ = try await tasks.markSubmitted(task, upstreamTaskID: found.taskID, channelID: channelID, nextPollAfter: config.pollSeconds)
        }
        return try await current(nil, task.id)
    }

    private func current(_ record: TaskRecord?, _ id: UUID) async throws -> TaskRecord {
        if let record { return record }
        guard let task = try await tasks.task(id: id) else { throw AccountingError.missing("task \(id)") }
        return task
    }
}
