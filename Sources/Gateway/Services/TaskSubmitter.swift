import Accounting
import Foundation
import Kling
import Logging
import Postgres

/// Sends reserved tasks upstream. Only a definite answer ends a task here: a refusal, or a
/// connection that was never made (nothing was sent); an unknown outcome is never guessed.
public struct TaskSubmitter: Sendable {
    let tasks: TaskStore
    let upstream: UpstreamClient
    let settler: TaskSettler
    let config: GatewayConfig
    let logger: Logger

    public enum SubmitResult: Sendable {
        case submitted(TaskRecord)
        /// Refused upstream: the task was rejected and released.
        case refused(TaskRecord, httpStatus: Int, code: Int?, message: String)
        /// The upstream could not be reached (nothing was sent): the task failed and was released.
        case notSent(TaskRecord, message: String)
        /// Outcome unknown even after looking: the task stays reserved and the poller reconciles it.
        case pending(TaskRecord)
    }

    /// Sends a reserved task. An uncertain answer is looked up by our id (sent as its
    /// external_task_id, unique there), and only a definite "not found" allows sending again.
    public func submit(_ task: TaskRecord, attemptsLeft: Int = 3) async throws -> SubmitResult {
        let body = try JSONValue.decode(task.requestBody.data)
        var attempts = attemptsLeft
        while attempts > 0 {
            attempts -= 1
            switch await upstream.create(task.endpoint, body: body) {
            case .accepted(let upstreamTaskID):
                let updated = try await tasks.markSubmitted(taskID: task.id, upstreamTaskID: upstreamTaskID, nextPollAfter: config.pollSeconds)
                return .submitted(try await current(updated, task.id))
            case .refused(let status, let code, let message):
                logger.info("upstream refused task", metadata: task.logMetadata(["status": "\(status)", "code": "\(code ?? 0)"]))
                let result = try await settler.end(task, .rejected(message: message), UpstreamSnapshot(statusMessage: message))
                return .refused(result.record, httpStatus: status, code: code, message: message)
            case .notSent(let reason):
                // Every send follows a check that the upstream does not have the task (a fresh task, or a
                // lookup that said not found), so a connection never made means it was not created.
                logger.warning("upstream unreachable; nothing was sent, the reservation is released", metadata: task.logMetadata(["reason": "\(reason)"]))
                let message = "upstream unreachable, nothing was sent: \(reason)"
                let result = try await settler.end(task, .failed(message: message), UpstreamSnapshot(statusMessage: "upstream unreachable; nothing was sent"))
                return .notSent(result.record, message: message)
            case .uncertain(let reason):
                logger.warning("upstream submission outcome unknown; looking it up", metadata: task.logMetadata(["reason": "\(reason)"]))
                switch await upstream.query(task.endpoint, id: task.id.uuidString.lowercased()) {
                case .found(let found, let data):
                    return .submitted(try await adopt(task, found, data))
                case .notFound:
                    continue // definitely not made: sending again is safe
                case .unavailable:
                    attempts = 0
                }
            }
        }
        try await tasks.markSubmitUncertain(taskID: task.id, retryAfter: config.backoffSeconds)
        return .pending(try await current(nil, task.id))
    }

    /// A task the upstream has, whatever we knew of it: record its id, and settle it if it has ended.
    func adopt(_ task: TaskRecord, _ found: UpstreamTask, _ data: JSONValue) async throws -> TaskRecord {
        if found.status.isFinal {
            return try await settler.settle(task, found, data).record
        }
        if task.state == .reserved {
            _ = try await tasks.markSubmitted(taskID: task.id, upstreamTaskID: found.taskID, nextPollAfter: config.pollSeconds)
        }
        return try await current(nil, task.id)
    }

    private func current(_ record: TaskRecord?, _ id: UUID) async throws -> TaskRecord {
        if let record { return record }
        guard let task = try await tasks.task(id: id) else { throw AccountingError.missing("task \(id)") }
        return task
    }
}
