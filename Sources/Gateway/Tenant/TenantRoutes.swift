import Accounting
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Kling
import Postgres
import Pricing

/// The Kling-compatible tenant API: create, query and list tasks, and estimate prices.
struct TenantRoutes: Sendable {
    let authentication: TenantAuthentication
    let tasks: TaskStore
    let prices: PriceBookStore
    /// Tenants' rate cards: the book a tenant is priced at is the list book through its card.
    let rateCards: RateCardStore
    /// nil when no upstream is configured: creates are then refused before any money moves.
    let follower: TaskFollower?
    let config: GatewayConfig

    func register(on router: Router<GatewayContext>) {
        let kling = router.group("kling/v1").add(middleware: TenantErrorMiddleware())
        for endpoint in [UpstreamClient.Endpoint.video, .image] {
            let path = RouterPath(endpoint.rawValue)
            kling.post(path) { request, context in try await create(endpoint, request, context) }
            kling.get(path) { request, context in try await list(endpoint, request, context) }
            kling.get(RouterPath("\(endpoint.rawValue)/:id")) { request, context in try await show(endpoint, request, context) }
        }
        let estimates = router.group("v1/estimate").add(middleware: TenantErrorMiddleware())
        for endpoint in [UpstreamClient.Endpoint.video, .image] {
            estimates.post(RouterPath(endpoint.rawValue)) { request, context in try await estimate(endpoint, request, context) }
        }
    }

    static func endpointName(_ endpoint: UpstreamClient.Endpoint) -> String {
        endpoint == .video ? "omni-video" : "omni-image"
    }

    /// A parsed, validated, normalized create body.
    func parse(_ endpoint: UpstreamClient.Endpoint, _ body: Data) throws -> any OmniCreateRequest {
        switch endpoint {
        case .video: try VideoRequest.parse(body)
        case .image: try ImageRequest.parse(body)
        }
    }

    func readBody(_ request: Request, _ context: GatewayContext) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        } catch {
            throw KlingAPIError(status: .contentTooLarge, code: 1201, message: "body: larger than \(context.maxUploadSize) bytes")
        }
    }

    func checkModel(_ key: AuthenticatedKey, _ model: String) throws {
        guard key.allows(model: model) else {
            throw KlingAPIError.notAllowed("model_name: \(model) is not allowed for this key")
        }
    }

    // MARK: create

    func create(_ endpoint: UpstreamClient.Endpoint, _ request: Request, _ context: GatewayContext) async throws -> Response {
        let key = try await authentication.authenticate(request)
        let raw = try await readBody(request, context)
        let parsed = try parse(endpoint, raw)
        try checkModel(key, parsed.model)
        guard let follower else {
            throw KlingAPIError(status: .badGateway, code: 5000, message: "no upstream is configured (OMNIMETER_UPSTREAM_URL); nothing was reserved")
        }
        if let callback = parsed.callbackURL, !config.allowPrivateCallbacks, CallbackTarget.literalHostIsPrivate(callback) {
            throw KlingAPIError.invalid("callback_url: loopback and private addresses are not allowed")
        }
        let idempotency = try idempotencyKey(request, endpoint: endpoint, body: raw)
        let (version, listBook) = try await prices.current()
        let (pricingVersion, book) = try await rateCards.effectiveBook(tenantID: key.tenantID, book: listBook)
        let estimate: Estimate
        do {
            estimate = try Pricing.estimate(parsed.priceRequest, book: book)
        } catch {
            throw KlingAPIError(KlingError(error))
        }
        let taskID = UUID()
        let callback = config.publicURL.map { "\($0.absoluteString.trimmingSuffix("/"))/v1/upstream-callbacks/\(taskID.uuidString.lowercased())" }
        let upstreamBody = JSONValue.object(parsed.upstreamBody(externalTaskID: taskID.uuidString.lowercased(), callbackURL: callback))
        var reservation = ReservationRequest(
            taskID: taskID, key: key, endpoint: Self.endpointName(endpoint), model: parsed.model,
            mode: (parsed as? VideoRequest)?.mode, resolution: (parsed as? ImageRequest)?.resolution,
            sound: (parsed as? VideoRequest)?.sound ?? false, videoReference: (parsed as? VideoRequest)?.hasVideoReference ?? false,
            priceVersion: version, requestBody: PostgresJSON(data: upstreamBody.encodedData()), reserveMicros: estimate.reserveMicros,
            currency: book.currency, estimate: try PostgresJSON(encoding: estimate),
            externalTaskID: parsed.externalTaskID, callbackURL: parsed.callbackURL, idempotency: idempotency,
            leaseOwner: config.instanceID)
        reservation.pricingVersion = pricingVersion

        let task: TaskRecord
        do {
            switch try await tasks.reserve(reservation) {
            case .reserved(let reserved):
                task = reserved
            case .replayed(let first, let stored):
                if let stored, let replay = StoredResponse(stored) { return replay.response }
                return JSONResponse.kling(first.klingData(), requestID: context.requestID)
            }
        } catch let refusal as ReservationRefusal {
            throw Self.apiError(refusal)
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "tasks_tenant_external_id" {
            throw Self.apiError(.duplicateExternalTaskID)
        }
        context.logger.info("task reserved", metadata: task.logMetadata(["reserved_micros": "\(task.reservedMicros)"]))

        let response: (status: HTTPResponse.Status, body: JSONValue)
        let submission: TaskFollower.SubmitResult
        do {
            submission = try await follower.submit(task)
        } catch let error as PostgresError where error.isUnavailable {
            // The reservation is committed, so "nothing was reserved" would be false: answer with the
            // task as it stands. Its lease lapses and the poller finds it upstream by our id, or sends it.
            context.logger.warning("database lost after reserving; the poller will reconcile", metadata: ["task_id": "\(task.id)"])
            submission = .pending(task)
        }
        switch submission {
        case .submitted(let submitted), .pending(let submitted):
            response = (.ok, envelope(submitted.klingData(), context))
        case .refused(_, let status, let code, let message):
            let error: KlingAPIError = if status == 400, let code, (1200...1399).contains(code) {
                KlingAPIError(status: .badRequest, code: code, message: "upstream refused the task; the reservation was released: \(message)")
            } else {
                .upstreamFailed(message)
            }
            response = (error.status, ["code": .int(Int64(error.code)), "message": .string(error.message), "request_id": .string(context.requestID)])
        }
        if let idempotency {
            let stored = StoredResponse(status: Int(response.status.code), body: response.body)
            try? await tasks.recordIdempotentResponse(tenantID: key.tenantID, key: idempotency.key, response: stored.json)
        }
        return JSONResponse.json(response.body, status: response.status)
    }

    func envelope(_ data: JSONValue, _ context: GatewayContext) -> JSONValue {
        ["code": 0, "message": "SUCCEED", "request_id": .string(context.requestID), "data": data]
    }

    /// `Idempotency-Key`, with a hash of the endpoint and the exact body it came with.
    func idempotencyKey(_ request: Request, endpoint: UpstreamClient.Endpoint, body: Data) throws -> (key: String, requestHash: [UInt8])? {
        guard let header = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        let key = header.trimmingCharacters(in: .whitespaces)
        guard (1...255).contains(key.count) else {
            throw KlingAPIError.invalid("Idempotency-Key: must be 1 to 255 characters")
        }
        var hasher = SHA256()
        hasher.update(data: Data(endpoint.rawValue.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: body)
        return (key, Array(hasher.finalize()))
    }

    static func apiError(_ refusal: ReservationRefusal) -> KlingAPIError {
        switch refusal {
        case .tenantSuspended: .tenantSuspended
        case .keyNotUsable: .unknownKey
        case .quotaExhausted(let limit): .quotaExhausted(limit)
        case .rateLimited(let seconds): .rateLimited(retryAfter: seconds)
        case .concurrencyLimited(let which): .concurrencyLimited(which, retryAfter: 5)
        case .duplicateExternalTaskID: .invalid("external_task_id: already used by another task of this account")
        case .idempotencyConflict: .idempotencyConflict
        }
    }

    // MARK: read

    func show(_ endpoint: UpstreamClient.Endpoint, _ request: Request, _ context: GatewayContext) async throws -> Response {
        let key = try await authentication.authenticate(request)
        guard let id = context.parameters.get("id"),
              let task = try await tasks.find(tenantID: key.tenantID, endpoint: Self.endpointName(endpoint), idOrExternalID: id)
        else { throw KlingAPIError.taskNotFound }
        return JSONResponse.kling(task.klingData(), requestID: context.requestID)
    }

    func list(_ endpoint: UpstreamClient.Endpoint, _ request: Request, _ context: GatewayContext) async throws -> Response {
        let key = try await authentication.authenticate(request)
        let pageNumber = try Self.intParameter(request, "pageNum", default: 1, range: 1...1000)
        let pageSize = try Self.intParameter(request, "pageSize", default: 30, range: 1...500)
        let page = try await tasks.list(tenantID: key.tenantID, endpoint: Self.endpointName(endpoint), pageNumber: pageNumber, pageSize: pageSize)
        return JSONResponse.kling(.array(page.map { $0.klingData() }), requestID: context.requestID)
    }

    static func intParameter(_ request: Request, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw KlingAPIError.invalid("\(name): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    // MARK: estimate

    func estimate(_ endpoint: UpstreamClient.Endpoint, _ request: Request, _ context: GatewayContext) async throws -> Response {
        let key = try await authentication.authenticate(request)
        let parsed = try parse(endpoint, try await readBody(request, context))
        try checkModel(key, parsed.model)
        let (version, listBook) = try await prices.current()
        let (pricingVersion, book) = try await rateCards.effectiveBook(tenantID: key.tenantID, book: listBook)
        let estimate: Estimate
        do {
            estimate = try Pricing.estimate(parsed.priceRequest, book: book)
        } catch {
            throw KlingAPIError(KlingError(error))
        }
        var data = try JSONValue.decode(JSONResponse.encoder.encode(estimate))
        if case .object(var object) = data {
            object["price_version"] = .int(Int64(version))
            object["pricing_version"] = .int(Int64(pricingVersion))
            // the tenant's own unit price (per second or per image), after its rate card
            if let unit = estimate.microsPerSecond ?? estimate.microsPerImage { object["unit_micros"] = .int(unit) }
            data = .object(object)
        }
        return JSONResponse.kling(data, requestID: context.requestID)
    }
}

/// A create's first answer, kept for Idempotency-Key replays: its HTTP status and body.
struct StoredResponse {
    var status: Int
    var body: JSONValue

    init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    init?(_ json: PostgresJSON) {
        guard let value = try? JSONValue.decode(json.data), let status = value["status"]?.int64Value, let body = value["body"] else { return nil }
        self.status = Int(status)
        self.body = body
    }

    var json: PostgresJSON { PostgresJSON(data: JSONValue.object(["status": .int(Int64(status)), "body": body]).encodedData()) }

    var response: Response { JSONResponse.json(body, status: HTTPResponse.Status(code: status)) }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
