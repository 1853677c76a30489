import Accounting
import Foundation
import HTTPTypes
import Hummingbird
import Kling

/// The Kling-compatible tenant API: create, query and list tasks, and estimate prices. Routes read
/// input and shape answers; creating a task is `TaskIntake`'s, authentication `TenantAuthMiddleware`'s.
struct TenantRoutes: Sendable {
    let authentication: TenantAuthentication
    let tasks: TaskStore
    let intake: TaskIntake

    func register(on router: Router<GatewayContext>) {
        let kling = Self.group(router, "kling/v1", authentication)
        for endpoint in OmniEndpoint.allCases {
            let path = RouterPath(endpoint.path)
            kling.post(path) { request, context in try await create(endpoint, request, context) }
            kling.get(path) { request, context in try await list(endpoint, request, context) }
            kling.get(RouterPath("\(endpoint.path)/:id")) { request, context in try await show(endpoint, request, context) }
        }
        let estimates = Self.group(router, "v1/estimate", authentication)
        for endpoint in OmniEndpoint.allCases {
            estimates.post(RouterPath(endpoint.path)) { request, context in
                let key = try context.caller()
                try key.require(.tasksWrite)
                let data = try await intake.estimate(endpoint, try await readBody(request, context), key: key)
                return JSONResponse.kling(data, requestID: context.requestID)
            }
        }
    }

    /// A tenant route group: Kling error bodies, then the authenticated key in a `TenantContext`.
    static func group(_ router: Router<GatewayContext>, _ path: RouterPath, _ authentication: TenantAuthentication) -> RouterGroup<TenantContext> {
        router.group(path)
            .add(middleware: TenantErrorMiddleware())
            .group(context: TenantContext.self)
            .add(middleware: TenantAuthMiddleware(authentication: authentication))
    }

    func readBody(_ request: Request, _ context: TenantContext) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        } catch {
            throw KlingAPIError(status: .contentTooLarge, code: 1201, message: "body: larger than \(context.maxUploadSize) bytes")
        }
    }

    func create(_ endpoint: OmniEndpoint, _ request: Request, _ context: TenantContext) async throws -> Response {
        let key = try context.caller()
        try key.require(.tasksWrite)
        if key.tenantSuspended { throw KlingAPIError.tenantSuspended } // before the body is read
        let submission = TaskIntake.Submission(
            key: key, endpoint: endpoint, body: try await readBody(request, context),
            idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!], requestID: context.requestID)
        let answer = try await intake.create(submission, logger: context.logger)
        return JSONResponse.json(answer.body, status: answer.status)
    }

    func show(_ endpoint: OmniEndpoint, _ request: Request, _ context: TenantContext) async throws -> Response {
        let key = try context.caller()
        try key.require(.tasksRead)
        guard let id = context.parameters.get("id"),
              let task = try await tasks.find(tenantID: key.tenantID, endpoint: endpoint, idOrExternalID: id)
        else { throw KlingAPIError.taskNotFound }
        return JSONResponse.kling(task.klingData(), requestID: context.requestID)
    }

    func list(_ endpoint: OmniEndpoint, _ request: Request, _ context: TenantContext) async throws -> Response {
        let key = try context.caller()
        try key.require(.tasksRead)
        let pageNumber = try Self.intParameter(request, "pageNum", default: 1, range: 1...1000)
        let pageSize = try Self.intParameter(request, "pageSize", default: 30, range: 1...500)
        let page = try await tasks.list(tenantID: key.tenantID, endpoint: endpoint, pageNumber: pageNumber, pageSize: pageSize)
        return JSONResponse.kling(.array(page.map { $0.klingData() }), requestID: context.requestID)
    }

    static func intParameter(_ request: Request, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw KlingAPIError.invalid("\(name): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
