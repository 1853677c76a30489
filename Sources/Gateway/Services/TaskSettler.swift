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
        let snapshot = UpstreamSnapshot(upstreamTaskID: found.taskID, statusMessage: found.statusMessage,
                                        result: data["task_result"], finalUnitDeduction: found.finalUnitDeduction)
        guard found.status == .succeed else {
            return try await end(task, .failed(message: found.statusMessage ?? "failed upstream"), snapshot)
        }
        let charge = try await actualCharge(task, found)
        let result = try await end(task, .succeeded(chargeMicros: charge.chargeMicros, billableSeconds: charge.billableSeconds, images: charge.images), snapshot)
        logger.info("task settled", metadata: task.logMetadata(["charged_micros": "\(charge.chargeMicros)"]))
        return result
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
