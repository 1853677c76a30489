import Foundation
import Hummingbird
import Kling

extension SimulatorRoutes {
    static let pageNumbers = 1...1000
    static let pageSizes = 1...500
    static let defaultPageSize = 30

    /// `GET …/omni-video/{id}`: `id` is the task_id or the account's external_task_id.
    func query(_ kind: SimulatedKind, request: Request, context: SimulatorContext) async throws -> Response {
        let account = try await authenticate(request)
        await store.count(.query)
        try await applyQueryFaults(context)
        let id = try context.parameters.require("id")
        guard let record = await store.find(id, kind: kind, account: account) else { throw SimulatorError.taskNotFound }
        return KlingAnswer.success(record.data(at: Date()), requestID: context.requestID)
    }

    /// `GET …/omni-video?pageNum=&pageSize=`: the account's tasks, newest first.
    func list(_ kind: SimulatedKind, request: Request, context: SimulatorContext) async throws -> Response {
        let account = try await authenticate(request)
        await store.count(.list)
        try await applyQueryFaults(context)
        let pageNum = try Self.pageParameter(request, "pageNum", range: Self.pageNumbers, default: 1)
        let pageSize = try Self.pageParameter(request, "pageSize", range: Self.pageSizes, default: Self.defaultPageSize)
        let records = await store.page(kind: kind, account: account, pageNum: pageNum, pageSize: pageSize)
        let now = Date()
        return KlingAnswer.success(.array(records.map { $0.data(at: now) }), requestID: context.requestID)
    }

    private func applyQueryFaults(_ context: SimulatorContext) async throws {
        let faults = await store.faults
        if await store.draw(faults.queryErrorRate) {
            context.logger.notice("simulated fault", metadata: ["fault": "query_error"])
            throw SimulatorError.queryFailed
        }
        if await store.draw(faults.queryRateLimitRate) {
            context.logger.notice("simulated fault", metadata: ["fault": "query_429"])
            throw SimulatorError.rateLimited
        }
    }

    /// A whole number within `range`; absent means `defaultValue`.
    private static func pageParameter(_ request: Request, _ name: String, range: ClosedRange<Int>, default defaultValue: Int) throws(SimulatorError) -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid(name, "must be an integer \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }
}
