import Accounting
import Foundation
import Kling
import Logging
import Postgres
import Pricing

/// Turns what the upstream says about a task into the task's next step: submitted, still running,
/// or ended (settled exactly once through `TaskStore.settle`). The create route, the poller and the
/// upstream callbacks all go through here, so they cannot disagree.
public struct TaskFollower: Sendable {
    let tasks: TaskStore
    let prices: PriceBookStore
    let upstream: UpstreamClient
    let config: GatewayConfig
    let logger: Logger

    /// How many times a task is sent upstream at most before it is given up (and released).
    static let maxSubmitAttempts = 5

    public init(tasks: TaskStore, prices: PriceBookStore, upstream: UpstreamClient, config: GatewayConfig, logger: Logger) {
        self.tasks = tasks
        self.prices = prices
        self.upstream = upstream
        self.config = config
        self.logger = logger
    }

    var pollSeconds: Double { Double(config.pollInterval.components.seconds) + Double(config.pollInterval.components.attoseconds) / 1e18 }
    var timeoutSeconds: Double { Double(config.taskTimeout.components.seconds) }
    /// After a failed look, wait longer (bounded) before the next.
    var backoffSeconds: Double { min(max(pollSeconds * 4, 1), 60) }

    public enum SubmitResult: Sendable {
        case submitted(TaskRecord)
        /// Refused upstream: the task was rejected and released.
        case refused(TaskRecord, httpStatus: Int, code: Int?, message: String)
        /// Outcome unknown even after looking: the task stays reserved and the poller reconciles it.
        case pending(TaskRecord)
    }

    static func endpoint(of task: TaskRecord) -> UpstreamClient.Endpoint {
        task.endpoint == "omni-image" ? .image : .video
    }

    /// Sends a reserved task upstream. An uncertain answer is never guessed: the upstream is asked for
    /// our id (sent as its external_task_id, unique there), and only a definite "not found" allows
    /// sending again.
    public func submit(_ task: TaskRecord, attemptsLeft: Int = 3) async throws -> SubmitResult {
        let endpoint = Self.endpoint(of: task)
        let body = try JSONValue.decode(task.requestBody.data)
        var attempts = attemptsLeft
        while attempts > 0 {
            attempts -= 1
            switch await upstream.create(endpoint, body: body) {
            case .accepted(let upstreamTaskID):
                let updated = try await tasks.markSubmitted(taskID: task.id, upstreamTaskID: upstreamTaskID, nextPollAfter: pollSeconds)
                return .submitted(try await current(updated, task.id))
            case .refused(let status, let code, let message):
                logger.info("upstream refused task", metadata: task.logMetadata(["status": "\(status)", "code": "\(code ?? 0)"]))
                let result = GatewayMetrics.settled(try await tasks.settle(taskID: task.id, outcome: .rejected(message: message),
                                                    upstream: UpstreamSnapshot(statusMessage: message)))
                return .refused(result.record, httpStatus: status, code: code, message: message)
            case .uncertain(let reason):
                logger.warning("upstream submission outcome unknown; looking it up", metadata: task.logMetadata(["reason": "\(reason)"]))
                switch await upstream.query(endpoint, id: task.id.uuidString.lowercased()) {
                case .found(let found, let data):
                    return .submitted(try await adopt(task, found, data))
                case .notFound:
                    continue // definitely not made: sending again is safe
                case .unavailable:
                    attempts = 0
                }
            }
        }
        try await tasks.markSubmitUncertain(taskID: task.id, retryAfter: backoffSeconds)
        return .pending(try await current(nil, task.id))
    }

    /// A task the upstream has, whatever we knew of it: record its id, and settle it if it has ended.
    func adopt(_ task: TaskRecord, _ found: UpstreamTask, _ data: JSONValue) async throws -> TaskRecord {
        if found.status.isFinal {
            return try await settle(task, found, data).record
        }
        if task.state == .reserved {
            _ = try await tasks.markSubmitted(taskID: task.id, upstreamTaskID: found.taskID, nextPollAfter: pollSeconds)
        }
        return try await current(nil, task.id)
    }

    /// One look at a leased task (the poller's step).
    public func follow(_ task: TaskRecord, owner: String) async throws {
        let endpoint = Self.endpoint(of: task)
        let started = task.submittedAt ?? task.createdAt
        let overdue = Date().timeIntervalSince(started) > timeoutSeconds
        let lookupID = task.upstreamTaskID ?? task.id.uuidString.lowercased()
        switch await upstream.query(endpoint, id: lookupID) {
        case .found(let found, let data):
            if found.status.isFinal {
                _ = try await settle(task, found, data)
            } else if overdue {
                try await expire(task)
            } else {
                let state: TaskState = found.status == .processing ? .processing : .submitted
                try await tasks.reschedule(taskID: task.id, owner: owner, after: pollSeconds, state: state, upstreamTaskID: found.taskID)
            }
        case .notFound:
            if overdue {
                try await expire(task)
            } else if task.state == .reserved && task.submitAttempts == 0 {
                // Never sent and the upstream does not have it: the process that reserved it died, or its
                // commit's answer was lost. The tenant was never told it exists, so sending it now would be
                // work nobody is waiting for (and a retry would double it): release the hold instead.
                _ = try await tasks.settle(taskID: task.id, outcome: .failed(
                    message: "not submitted: the gateway stopped before sending the task; the reservation was released"))
            } else if task.state == .reserved {
                // told "submitted" while the upstream's answer was unknown: keep trying to send it
                if task.submitAttempts >= Self.maxSubmitAttempts {
                    GatewayMetrics.settled(try await tasks.settle(taskID: task.id, outcome: .failed(message: "could not be submitted upstream")))
                } else {
                    _ = try await submit(task, attemptsLeft: 1)
                }
            } else {
                try await tasks.reschedule(taskID: task.id, owner: owner, after: backoffSeconds)
            }
        case .unavailable(let reason):
            logger.debug("upstream unavailable for task", metadata: task.logMetadata(["reason": "\(reason)"]))
            if overdue {
                try await expire(task)
            } else {
                try await tasks.reschedule(taskID: task.id, owner: owner, after: backoffSeconds)
            }
        }
    }

    func expire(_ task: TaskRecord) async throws {
        logger.info("task expired", metadata: task.logMetadata())
        GatewayMetrics.settled(try await tasks.settle(taskID: task.id, outcome: .expired))
    }

    /// Ends a task from a final upstream answer: the actual cost at the price version it was reserved
    /// with, never more than the reservation.
    func settle(_ task: TaskRecord, _ found: UpstreamTask, _ data: JSONValue) async throws -> SettlementResult {
        let snapshot = UpstreamSnapshot(upstreamTaskID: found.taskID, statusMessage: found.statusMessage,
                                        result: data["task_result"], finalUnitDeduction: found.finalUnitDeduction)
        guard found.status == .succeed else {
            return GatewayMetrics.settled(try await tasks.settle(taskID: task.id, outcome: .failed(message: found.statusMessage ?? "failed upstream"), upstream: snapshot))
        }
        let charge = try await actualCharge(task, found)
        let result = GatewayMetrics.settled(try await tasks.settle(
            taskID: task.id,
            outcome: .succeeded(chargeMicros: charge.chargeMicros, billableSeconds: charge.billableSeconds, images: charge.images),
            upstream: snapshot))
        logger.info("task settled", metadata: task.logMetadata(["charged_micros": "\(charge.chargeMicros)"]))
        return result
    }

    func actualCharge(_ task: TaskRecord, _ found: UpstreamTask) async throws -> Settlement {
        let body = try JSONValue.decode(task.requestBody.data)
        guard case .object(let object) = body else { throw KlingError.malformed("stored body is not an object") }
        let priceRequest = task.endpoint == "omni-image"
            ? try ImageRequest.parse(object: object).priceRequest
            : try VideoRequest.parse(object: object).priceRequest
        guard let book = try await prices.book(version: task.priceVersion) else {
            throw PostgresError(.usage, message: "price book \(task.priceVersion) of task \(task.id) is missing")
        }
        do {
            return try Pricing.settle(priceRequest, book: book, actual: found.actualUsage(for: priceRequest))
        } catch {
            // an unreadable usage report bills what was requested (at most the reservation), and says so
            logger.warning("unreadable usage report; billing as requested", metadata: task.logMetadata(["error": "\(error)"]))
            return try Pricing.settle(priceRequest, book: book, actual: .asRequested)
        }
    }

    private func current(_ record: TaskRecord?, _ id: UUID) async throws -> TaskRecord {
        if let record { return record }
        guard let task = try await tasks.task(id: id) else { throw PostgresError(.usage, message: "task \(id) vanished") }
        return task
    }
}

extension SettlementResult {
    public var record: TaskRecord {
        switch self {
        case .settled(let task), .lateCharged(let task), .alreadyEnded(let task): task
        }
    }
}
