import Foundation
import Kling
import Postgres

/// Everything needed to reserve money for one task and record it.
public struct ReservationRequest: Sendable {
    public var taskID: UUID
    public var key: AuthenticatedKey
    public var endpoint: OmniEndpoint
    public var model: String
    public var mode: String?
    public var resolution: String?
    public var sound: Bool
    public var videoReference: Bool
    public var priceVersion: Int
    /// The normalized body, exactly what goes upstream (with our id as external_task_id).
    public var requestBody: PostgresJSON
    public var reserveMicros: Int64
    public var currency: String
    /// The estimate's breakdown, kept with the task for reports.
    public var estimate: PostgresJSON
    /// The `PricedRequest` (inputs and the terms of the book used): what settlement prices from.
    public var pricedRequest: PostgresJSON?
    public var externalTaskID: String?
    public var callbackURL: String?
    /// `Idempotency-Key` and a hash of the request it came with.
    public var idempotency: (key: String, requestHash: [UInt8])?
    /// The lease the submitting request holds, so no poller touches the task meanwhile; longer than the
    /// longest in-request submission (3 × (30 s create + 15 s lookup)).
    public var leaseOwner: String
    public var leaseSeconds: Int
    /// The tenant's rate-card version the price was computed at (0: no card).
    public var pricingVersion: Int = 0

    public init(taskID: UUID = UUID(), key: AuthenticatedKey, endpoint: OmniEndpoint, model: String, mode: String?, resolution: String?,
                sound: Bool, videoReference: Bool, priceVersion: Int, requestBody: PostgresJSON, reserveMicros: Int64,
                currency: String, estimate: PostgresJSON, externalTaskID: String?, callbackURL: String?, idempotency: (key: String, requestHash: [UInt8])?,
                leaseOwner: String, leaseSeconds: Int = 300, pricedRequest: PostgresJSON? = nil) {
        self.taskID = taskID
        self.key = key
        self.endpoint = endpoint
        self.model = model
        self.mode = mode
        self.resolution = resolution
        self.sound = sound
        self.videoReference = videoReference
        self.priceVersion = priceVersion
        self.requestBody = requestBody
        self.reserveMicros = reserveMicros
        self.currency = currency
        self.estimate = estimate
        self.externalTaskID = externalTaskID
        self.callbackURL = callbackURL
        self.idempotency = idempotency
        self.leaseOwner = leaseOwner
        self.leaseSeconds = leaseSeconds
        self.pricedRequest = pricedRequest
    }
}

extension ReservationRequest {
    /// The endpoint by its stored name (`omni-video`, `omni-image`), for callers written before `OmniEndpoint`.
    @available(*, deprecated, message: "pass an OmniEndpoint")
    public init(taskID: UUID = UUID(), key: AuthenticatedKey, endpoint name: String, model: String, mode: String?, resolution: String?,
                sound: Bool, videoReference: Bool, priceVersion: Int, requestBody: PostgresJSON, reserveMicros: Int64,
                currency: String, estimate: PostgresJSON, externalTaskID: String?, callbackURL: String?, idempotency: (key: String, requestHash: [UInt8])?,
                leaseOwner: String, leaseSeconds: Int = 300) {
        self.init(taskID: taskID, key: key, endpoint: OmniEndpoint(rawValue: name) ?? .video, model: model, mode: mode, resolution: resolution,
                  sound: sound, videoReference: videoReference, priceVersion: priceVersion, requestBody: requestBody,
                  reserveMicros: reserveMicros, currency: currency, estimate: estimate, externalTaskID: externalTaskID,
                  callbackURL: callbackURL, idempotency: idempotency, leaseOwner: leaseOwner, leaseSeconds: leaseSeconds)
    }
}

/// Why a reservation was refused. Nothing was written.
public enum ReservationRefusal: Error, Sendable, Equatable {
    case tenantSuspended
    case keyNotUsable
    /// Not enough money or budget; the text names the limit (balance, monthly budget, key budget).
    case quotaExhausted(String)
    case rateLimited(retryAfterSeconds: Int)
    case concurrencyLimited(String)
    case duplicateExternalTaskID
    case idempotencyConflict
}

public enum ReservationOutcome: Sendable {
    /// A new task holds its reservation.
    case reserved(TaskRecord)
    /// The same Idempotency-Key and body were seen before: the first task, and its stored answer if any.
    case replayed(TaskRecord, response: PostgresJSON?)
}
