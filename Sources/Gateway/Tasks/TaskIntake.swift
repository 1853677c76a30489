import Accounting
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Kling
import Logging
import Postgres
import Pricing

/// Creating a task, below HTTP: an authenticated key's body is validated, priced, checked against
/// its Idempotency-Key, reserved, submitted and answered. Routes (and any later caller) use this one
/// type; the estimate shares its pricing step (docs/task-life.md).
public struct TaskIntake: Sendable {
    let tasks: TaskStore
    let prices: PriceBookStore
    /// nil when no upstream is configured: creates are then refused before any money moves.
    let submitter: TaskSubmitter?
    let config: GatewayConfig

    /// One create as the tenant sent it.
    public struct Submission: Sendable {
        public var key: AuthenticatedKey
        public var endpoint: OmniEndpoint
        public var body: Data
        /// The `Idempotency-Key` header as sent, if any.
        public var idempotencyKey: String?
        public var requestID: String
    }

    /// A create's answer: the HTTP status and the JSON body (the Kling envelope or an error).
    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var body: JSONValue
    }

    /// A validated request priced at the book in force (the one a reservation records).
    struct Priced {
        var parsed: any OmniCreateRequest
        var priceVersion: Int
        var priced: PricedRequest
        var estimate: Estimate
        /// The tenant's rate-card version the book was adjusted with (0: none).
        var pricingVersion = 0
    }

    public func create(_ submission: Submission, logger: Logger) async throws -> Answer {
        let key = submission.key
        if key.tenantSuspended { throw KlingAPIError.tenantSuspended }
        let priced = try await price(submission.endpoint, submission.body, key: key)
        let parsed = priced.parsed
        guard let submitter, try await submitter.canRoute(model: parsed.model) else {
            throw KlingAPIError(status: .badGateway, code: 5000, message: "no upstream channel takes model \(parsed.model) (no enabled channel allows it and OMNIMETER_UPSTREAM_URL is unset); nothing was reserved")
        }
        if let callback = parsed.callbackURL, !config.allowPrivateCallbacks, CallbackTarget.literalHostIsPrivate(callback) {
            throw KlingAPIError.invalid("callback_url: loopback and private addresses are not allowed")
        }
        let idempotency = try Self.idempotency(submission.idempotencyKey, endpoint: submission.endpoint, body: submission.body)

        let taskID = UUID()
        let ourID = taskID.uuidString.lowercased()
        let callback = config.publicURL.map { "\($0.absoluteString.trimmingSuffix("/"))/v1/upstream-callbacks/\(ourID)" }
        let upstreamBody = JSONValue.object(parsed.upstreamBody(externalTaskID: ourID, callbackURL: callback))
        var reservation = ReservationRequest(
            taskID: taskID, key: key, endpoint: submission.endpoint, model: parsed.model,
            mode: (parsed as? VideoRequest)?.mode, resolution: (parsed as? ImageRequest)?.resolution,
            sound: (parsed as? VideoRequest)?.sound ?? false, videoReference: (parsed as? VideoRequest)?.hasVideoReference ?? false,
            priceVersion: priced.priceVersion, requestBody: PostgresJSON(data: upstreamBody.encodedData()),
            reserveMicros: priced.estimate.reserveMicros, currency: priced.priced.currency,
            estimate: try PostgresJSON(encoding: priced.estimate),
            externalTaskID: parsed.externalTaskID, callbackURL: parsed.callbackURL, idempotency: idempotency,
            leaseOwner: config.instanceID, pricedRequest: try PostgresJSON(encoding: priced.priced))
        reservation.pricingVersion = priced.pricingVersion

        let task: TaskRecord
        do {
            switch try await tasks.reserveTask(reservation) {
            case .reserved(let reserved):
                task = reserved
            case .replayed(let first, let stored):
                if let stored, let replay = StoredResponse(stored) { return Answer(status: HTTPResponse.Status(code: replay.status), body: replay.body) }
                return Answer(status: .ok, body: Self.envelope(first.klingData(), submission.requestID))
            }
        } catch let refusal as ReservationRefusal {
            throw Self.apiError(refusal)
        }
        logger.info("task reserved", metadata: task.logMetadata(["reserved_micros": "\(task.reservedMicros)"]))

        let answer = try await submit(task, submitter, submission.requestID, logger: logger)
        if let idempotency {
            let stored = StoredResponse(status: Int(answer.status.code), body: answer.body)
            try? await tasks.recordIdempotentResponse(tenantID: key.tenantID, key: idempotency.key, response: stored.json)
        }
        return answer
    }

    private func submit(_ task: TaskRecord, _ submitter: TaskSubmitter, _ requestID: String, logger: Logger) async throws -> Answer {
        let submission: TaskSubmitter.SubmitResult
        do {
            submission = try await submitter.submit(task)
        } catch let error as PostgresError where error.isUnavailable {
            // The reservation is committed, so "nothing was reserved" would be false: answer with the
            // task as it stands. Its lease lapses and the poller finds it upstream by our id, or sends it.
            logger.warning("database lost after reserving; the poller will reconcile", metadata: ["task_id": "\(task.id)"])
            submission = .pending(task)
        }
        let error: KlingAPIError
        switch submission {
        case .submitted(let submitted), .pending(let submitted):
            return Answer(status: .ok, body: Self.envelope(submitted.klingData(), requestID))
        case .refused(_, let status, let code, let message):
            error = if status == 400, let code, (1200...1399).contains(code) {
                KlingAPIError(status: .badRequest, code: code, message: "upstream refused the task; the reservation was released: \(message)")
            } else {
                .upstreamFailed(message)
            }
        case .notSent(_, let message):
            error = .upstreamFailed(message)
        }
        return Answer(status: error.status, body: ["code": .int(Int64(error.code)), "message": .string(error.message), "request_id": .string(requestID)])
    }

    // MARK: pricing, shared with the estimate

    /// Validates the body, checks the key may use its model, and prices it at the book in force.
    func price(_ endpoint: OmniEndpoint, _ body: Data, key: AuthenticatedKey) async throws -> Priced {
        let parsed = try endpoint.parse(body)
        guard key.allows(model: parsed.model) else {
            throw KlingAPIError.notAllowed("model_name: \(parsed.model) is not allowed for this key")
        }
        let (version, listBook) = try await prices.current(known: key.priceVersion)
        // the tenant's rate card turns the list book into its own (docs/money.md)
        let (pricingVersion, book) = try await RateCardStore(pool: tasks.pool).effectiveBook(tenantID: key.tenantID, book: listBook,
                                                                                                 known: key.rateCardVersion)
        do {
            let priced = try Pricing.price(parsed.priceRequest, book: book)
            return Priced(parsed: parsed, priceVersion: version, priced: priced, estimate: try Pricing.estimate(priced),
                          pricingVersion: pricingVersion)
        } catch let error as PricingError {
            throw KlingAPIError(KlingError(error))
        }
    }

    /// The price breakdown of a body, nothing reserved: `reserve_micros`, and for an edit whose body
    /// states its input length (`duration`, e.g. "7.5"), `expected_charge_micros` for that length.
    public func estimate(_ endpoint: OmniEndpoint, _ body: Data, key: AuthenticatedKey) async throws -> JSONValue {
        let priced = try await price(endpoint, body, key: key)
        var estimate = priced.estimate
        if let video = priced.parsed as? VideoRequest, video.isEdit, let stated = try Self.statedInputSeconds(video) {
            do {
                estimate.expectedChargeMicros = try Pricing.settle(priced.priced, actual: .videoSeconds(stated)).chargeMicros
            } catch {
                throw KlingAPIError.invalid("duration: the input length of an edit must be a non-negative decimal number of seconds, got \"\(stated)\"")
            }
        }
        var data = try JSONValue.decode(JSONResponse.encoder.encode(estimate))
        if case .object(var object) = data {
            object["price_version"] = .int(Int64(priced.priceVersion))
            object["pricing_version"] = .int(Int64(priced.pricingVersion))
            // the tenant's own unit price (per second or per image), after its rate card
            if let unit = estimate.microsPerSecond ?? estimate.microsPerImage { object["unit_micros"] = .int(unit) }
            data = .object(object)
        }
        return data
    }

    /// An edit's `duration` as decimal text: the length of its input, which the upstream ignores
    /// (the output is as long as the input) but an estimate can price.
    static func statedInputSeconds(_ video: VideoRequest) throws -> String? {
        switch video.body["duration"] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .int(let seconds)?: return String(seconds)
        case .double(let seconds)? where seconds.isFinite: return "\(seconds)"
        default: throw KlingAPIError.invalid("duration: the input length of an edit must be a number of seconds, as a string (\"7.5\") or a number")
        }
    }

    // MARK: answers

    static func envelope(_ data: JSONValue, _ requestID: String) -> JSONValue {
        ["code": 0, "message": "SUCCEED", "request_id": .string(requestID), "data": data]
    }

    /// `Idempotency-Key`, with a hash of the endpoint and the exact body it came with.
    static func idempotency(_ header: String?, endpoint: OmniEndpoint, body: Data) throws -> (key: String, requestHash: [UInt8])? {
        guard let header else { return nil }
        let key = header.trimmingCharacters(in: .whitespaces)
        guard (1...255).contains(key.count) else {
            throw KlingAPIError.invalid("Idempotency-Key: must be 1 to 255 characters")
        }
        var hasher = SHA256()
        hasher.update(data: Data(endpoint.path.utf8))
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
}
