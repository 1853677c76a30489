import Accounting
import Foundation
import Kling
import Postgres
import Pricing
import Testing

/// Tasks made the way the create route makes them: a parsed body, priced on the default book
/// (version 1), reserved through `TaskStore.reserve` and settled through `TaskStore.settle`, so every
/// task has its real ledger rows. The one place a test builds a `ReservationRequest`.
extension Fixtures {
    public static let o1Pro5s = #"{"prompt":"a fox","aspect_ratio":"16:9"}"#  // kling-video-o1 pro 5 s: 560,000
    public static let v3ProSound15s = #"{"model":"kling-v3-omni","prompt":"x","sound":"on","duration":"15","aspect_ratio":"1:1"}"#  // 2,100,000
    public static let o1StdReference10s = #"{"prompt":"x","mode":"std","duration":10,"aspect_ratio":"1:1","video_list":[{"video_url":"v","refer_type":"feature"}]}"#  // 1,260,000
    public static let image3 = #"{"model_name":"kling-image-o1","prompt":"x","n":3}"#  // 3 × 28,000

    /// A reservation for a video body.
    public static func videoReservation(_ key: AuthenticatedKey, _ body: String, externalID: String? = nil,
                                        idempotency: (String, [UInt8])? = nil) throws -> ReservationRequest {
        try reservation(key, try VideoRequest.parse(Data(body.utf8)), externalID: externalID, idempotency: idempotency)
    }

    /// A reservation for a video body, or an image body when it names a `kling-image` model.
    public static func reservation(_ key: AuthenticatedKey, _ body: String, externalID: String? = nil,
                                   idempotency: (String, [UInt8])? = nil) throws -> ReservationRequest {
        let parsed: any OmniCreateRequest = body.contains("kling-image")
            ? try ImageRequest.parse(Data(body.utf8)) : try VideoRequest.parse(Data(body.utf8))
        return try reservation(key, parsed, externalID: externalID, idempotency: idempotency)
    }

    /// A reservation for a parsed body; `externalID` wins over the body's `external_task_id`.
    public static func reservation(_ key: AuthenticatedKey, _ parsed: any OmniCreateRequest, externalID: String? = nil,
                                   idempotency: (String, [UInt8])? = nil) throws -> ReservationRequest {
        let video = parsed as? VideoRequest
        let estimate = try Pricing.estimate(parsed.priceRequest, book: .default2026)
        let taskID = UUID()
        let upstreamBody = JSONValue.object(parsed.upstreamBody(externalTaskID: taskID.uuidString.lowercased(), callbackURL: nil))
        return ReservationRequest(
            taskID: taskID, key: key, endpoint: parsed is ImageRequest ? .image : .video, model: parsed.model,
            mode: video?.mode, resolution: (parsed as? ImageRequest)?.resolution,
            sound: video?.sound ?? false, videoReference: video?.hasVideoReference ?? false, priceVersion: 1,
            requestBody: PostgresJSON(data: upstreamBody.encodedData()), reserveMicros: estimate.reserveMicros,
            currency: "USD", estimate: try PostgresJSON(encoding: estimate), externalTaskID: externalID ?? parsed.externalTaskID,
            callbackURL: parsed.callbackURL, idempotency: idempotency.map { (key: $0.0, requestHash: $0.1) }, leaseOwner: "test")
    }

    /// Reserves a task and leaves it open.
    public static func openTask(_ pool: PostgresPool, _ key: AuthenticatedKey, _ body: String = o1Pro5s, externalID: String? = nil) async throws -> TaskRecord {
        try await TaskStore(pool: pool).reserve(try reservation(key, body, externalID: externalID)).task
    }

    /// Reserves and settles a task, then moves its end to `endedAt` (tasks end "now"; reports need set times).
    /// `.succeeded` after `.expired` in `outcomes` makes a late charge.
    @discardableResult
    public static func endedTask(_ pool: PostgresPool, _ key: AuthenticatedKey, _ body: String = o1Pro5s, _ outcomes: TaskOutcome...,
                                 endedAt: Date, upstreamID: String? = nil, externalID: String? = nil) async throws -> TaskRecord {
        let task = try await openTask(pool, key, body, externalID: externalID)
        let store = TaskStore(pool: pool)
        for outcome in outcomes {
            _ = try await store.settle(taskID: task.id, outcome: outcome, upstream: UpstreamSnapshot(upstreamTaskID: upstreamID))
        }
        // the daily rollup moves with the end, as it would have been written at that time
        try await moveEnd(pool, task.id, to: endedAt)
        return try #require(try await store.task(id: task.id))
    }

    public static func succeeded(_ micros: Int64, seconds: Int? = nil, images: Int? = nil) -> TaskOutcome {
        .succeeded(chargeMicros: micros, billableSeconds: seconds, images: images)
    }

    /// A UTC midnight no other test uses: reports over all tenants then see only this test's tasks.
    public static func uniqueDay() -> Date {
        // about 130 years of days from 2100: below 2^33 s a Date still holds a microsecond exactly
        let day = Int.random(in: 0..<50_000)
        return Date(timeIntervalSince1970: 4_102_444_800 + Double(day) * 86_400)
    }
}

extension ReservationOutcome {
    /// The task either way: made now, or made by the first call with the same idempotency key.
    public var task: TaskRecord {
        switch self {
        case .reserved(let task), .replayed(let task, _): task
        }
    }
}

extension Date {
    /// A test date from RFC 3339 text; a typo stops the test run.
    public static func utc(_ text: String) -> Date {
        guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: text.contains("."), timeZone: .gmt)) else {
            fatalError("bad test date \(text)")
        }
        return date
    }
}
