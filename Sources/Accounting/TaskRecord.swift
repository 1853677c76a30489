import Foundation
import Kling
import Postgres
import Pricing

/// One task as stored, with its money.
public struct TaskRecord: Sendable {
    public var id: UUID
    public var tenantID: UUID
    public var keyID: UUID
    public var endpoint: OmniEndpoint
    public var model: String
    public var mode: String?
    public var resolution: String?
    public var sound: Bool
    public var videoReference: Bool
    public var priceVersion: Int
    public var requestBody: PostgresJSON
    /// The priced request stored at reservation (`PricedRequest`); nil for tasks reserved before it was kept.
    public var pricedRequest: PostgresJSON?
    public var externalTaskID: String?
    public var callbackURL: String?
    public var upstreamTaskID: String?
    public var state: TaskState
    public var currency: String
    public var reservedMicros: Int64
    public var chargedMicros: Int64
    public var releasedMicros: Int64
    public var lateChargedMicros: Int64
    public var billableSeconds: Int?
    public var images: Int?
    public var upstreamStatusMessage: String?
    public var upstreamResult: PostgresJSON?
    public var finalUnitDeduction: String?
    public var submitAttempts: Int
    public var pollAttempts: Int
    public var createdAt: Date
    public var submittedAt: Date?
    public var endedAt: Date?
    public var updatedAt: Date
    /// The channel that created the task (or is being asked whether it did); nil before any send.
    /// "default" is the built-in channel of OMNIMETER_UPSTREAM_URL (docs/channels.md).
    public var channelID: String?

    /// The columns `init(row:)` reads, for SELECT and RETURNING lists.
    public static let columns: StaticString = """
        id, tenant_id, key_id, endpoint, model, mode, resolution, sound, video_reference, price_version,
        request_body, priced_request, external_task_id, callback_url, upstream_task_id, state, currency, reserved_micros, charged_micros,
        released_micros, late_charged_micros, billable_seconds, images, upstream_status_msg, upstream_result,
        final_unit_deduction, submit_attempts, poll_attempts, created_at, submitted_at, ended_at, updated_at,
        channel_id
        """

    public init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        tenantID = try row.decode(UUID.self, "tenant_id")
        keyID = try row.decode(UUID.self, "key_id")
        endpoint = try row.decode(OmniEndpoint.self, "endpoint")
        model = try row.decode(String.self, "model")
        mode = try row.decode(String?.self, "mode")
        resolution = try row.decode(String?.self, "resolution")
        sound = try row.decode(Bool.self, "sound")
        videoReference = try row.decode(Bool.self, "video_reference")
        priceVersion = try row.decode(Int.self, "price_version")
        requestBody = try row.decode(PostgresJSON.self, "request_body")
        pricedRequest = try row.decode(PostgresJSON?.self, "priced_request")
        externalTaskID = try row.decode(String?.self, "external_task_id")
        callbackURL = try row.decode(String?.self, "callback_url")
        upstreamTaskID = try row.decode(String?.self, "upstream_task_id")
        let stateText = try row.decode(String.self, "state")
        guard let state = TaskState(rawValue: stateText) else {
            throw PostgresError(.decoding, message: "unknown task state \(stateText)")
        }
        self.state = state
        currency = try row.decode(String.self, "currency")
        reservedMicros = try row.decode(Int64.self, "reserved_micros")
        chargedMicros = try row.decode(Int64.self, "charged_micros")
        releasedMicros = try row.decode(Int64.self, "released_micros")
        lateChargedMicros = try row.decode(Int64.self, "late_charged_micros")
        billableSeconds = try row.decode(Int?.self, "billable_seconds")
        images = try row.decode(Int?.self, "images")
        upstreamStatusMessage = try row.decode(String?.self, "upstream_status_msg")
        upstreamResult = try row.decode(PostgresJSON?.self, "upstream_result")
        finalUnitDeduction = try row.decode(String?.self, "final_unit_deduction")
        submitAttempts = try row.decode(Int.self, "submit_attempts")
        pollAttempts = try row.decode(Int.self, "poll_attempts")
        createdAt = try row.decode(Date.self, "created_at")
        submittedAt = try row.decode(Date?.self, "submitted_at")
        endedAt = try row.decode(Date?.self, "ended_at")
        updatedAt = try row.decode(Date.self, "updated_at")
        channelID = try row.decode(String?.self, "channel_id")
    }

    /// What settlement prices from; nil when the task predates it (or the stored value cannot be read).
    public var priced: PricedRequest? {
        guard let pricedRequest else { return nil }
        return try? JSONDecoder().decode(PricedRequest.self, from: pricedRequest.data)
    }

    public var billingState: String { state.billingState(chargedMicros: chargedMicros + lateChargedMicros) }
}
