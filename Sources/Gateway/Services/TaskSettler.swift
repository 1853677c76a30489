import Accounting
import Foundation
import Kling
import Logging
import Pricing

/// Ends tasks: every settlement of the follow path goes through here, and from here through
/// `TaskStore.settle` (exactly once). A success is charged from the priced request stored at
/// reservation, never by reading the request body again (docs/money.md).
public struct TaskSettler: Sendable {
    let tasks: TaskStore
    let prices: PriceBookStore
    let logger: Logger

    /// Ends a task from a final upstream answer: the actual cost at the terms it was reserved with,
    /// never more than the reservation. A success after expiry becomes a late charge.
    func settle(_ task: TaskRecord, _ found: UpstreamTask, _ data: JSONValue) async throws -> SettlementResult {
        let request = try await settlement(task, found, data)
        let result = try await end(task, request.outcome, request.upstream)
        logSettled(task, request.outcome)
        return result
    }

    /// What a final upstream answer settles: the outcome (a success's charge computed here) and the snapshot.
    func settlement(_ task: TaskRecord, _ found: UpstreamTask, _ data: JSONValue) async throws -> SettlementRequest {
        let snapshot = UpstreamSnapshot(upstreamTaskID: found.taskID, statusMessage: found.statusMessage,
                                        result: data["task_result"], finalUnitDeduction: found.finalUnitDeduction)
        guard found.status == .succeed else {
            return SettlementRequest(taskID: task.id, outcome: .failed(message: found.statusMessage ?? "failed upstream"), upstream: snapshot)
        }
        let charge = try await actualCharge(task, found)
        return SettlementRequest(taskID: task.id, outcome: .succeeded(chargeMicros: charge.chargeMicros, billableSeconds: charge.billableSeconds,
                                                                      images: charge.images), upstream: snapshot)
    }

    /// Ends a poll round's tasks in one transaction (`TaskStore.settle(batch:)`), each exactly once;
    /// answers in the order of `requests`.
    func end(batch requests: [(task: TaskRecord, request: SettlementRequest)]) async -> [Result<SettlementResult, any Error>] {
        let results = await tasks.settle(batch: requests.map(\.request))
        for ((task, request), result) in zip(requests, results) {
            guard case .success(let settled) = result else { continue }
            _ = GatewayMetrics.settled(settled)
            if case .expired = request.outcome { logger.info("task expired", metadata: task.logMetadata()) }
            logSettled(task, request.outcome)
        }
        return results
    }

    private func logSettled(_ task: TaskRecord, _ outcome: TaskOutcome) {
        guard case .succeeded(let charge, _, _) = outcome else { return }
        logger.info("task settled", metadata: task.logMetadata(["charged_micros": "\(charge)"]))
    }

    @discardableResult
    func end(_ task: TaskRecord, _ outcome: TaskOutcome, _ snapshot: UpstreamSnapshot = UpstreamSnapshot()) async throws -> SettlementResult {
        if case .expired = outcome { logger.info("task expired", metadata: task.logMetadata()) }
        return GatewayMetrics.settled(try await tasks.settle(taskID: task.id, outcome: outcome, upstream: snapshot))
    }

    func actualCharge(_ task: TaskRecord, _ found: UpstreamTask) async throws -> Settlement {
        guard let priced = task.priced else { return try await legacyCharge(task, found) }
        do {
            return try Pricing.settle(priced, actual: found.actualUsage(for: priced.request))
        } catch {
            // an unreadable usage report bills what was requested (at most the reservation), and says so
            logger.warning("unreadable usage report; billing as requested", metadata: task.logMetadata(["error": "\(error)"]))
            return try Pricing.settle(priced, actual: .asRequested)
        }
    }

    /// Tasks reserved before the priced request was stored: re-read the body and the book version.
    private func legacyCharge(_ task: TaskRecord, _ found: UpstreamTask) async throws -> Settlement {
        let body = try JSONValue.decode(task.requestBody.data)
        guard case .object(let object) = body else { throw KlingError.malformed("stored body is not an object") }
        let priceRequest = task.endpoint == .image
            ? try ImageRequest.parse(object: object).priceRequest
            : try VideoRequest.parse(object: object).priceRequest
        guard let book = try await prices.book(version: task.priceVersion) else {
            throw AccountingError.missing("price book \(task.priceVersion) of task \(task.id)")
        }
        do {
            return try Pricing.settle(priceRequest, book: book, actual: found.actualUsage(for: priceRequest))
        } catch {
            logger.warning("unreadable usage report; billing as requested", metadata: task.logMetadata(["error": "\(error)"]))
            return try Pricing.settle(priceRequest, book: book, actual: .asRequested)
        }
    }
}

extension SettlementResult {
    public var record: TaskRecord {
        switch self {
        case .settled(let task), .lateCharged(let task), .alreadyEnded(let task): task
        }
    }
}
