import Foundation
import Hummingbird
import Kling

/// An error on the tenant (Kling-compatible) API: `{"code":C,"message":"…","request_id":"…"}`.
/// The codes and HTTP statuses are docs/api.md's table; they are chosen here, in one place.
public struct KlingAPIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: Int
    public var message: String
    /// Seconds, for 429s that a client should retry later.
    public var retryAfter: Int?

    public init(status: HTTPResponse.Status, code: Int, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public static let missingKey = KlingAPIError(status: .unauthorized, code: 1000, message: "missing API key: send Authorization: Bearer <key>")
    public static let unknownKey = KlingAPIError(status: .unauthorized, code: 1002, message: "unknown or revoked API key")
    public static let expiredKey = KlingAPIError(status: .unauthorized, code: 1004, message: "API key has expired")
    public static let tenantSuspended = KlingAPIError(status: .tooManyRequests, code: 1100, message: "account suspended")
    public static func notAllowed(_ message: String) -> KlingAPIError { .init(status: .forbidden, code: 1103, message: message) }
    public static func malformed(_ message: String) -> KlingAPIError { .init(status: .badRequest, code: 1200, message: message) }
    public static func invalid(_ message: String) -> KlingAPIError { .init(status: .badRequest, code: 1201, message: message) }
    public static let taskNotFound = KlingAPIError(status: .notFound, code: 1203, message: "task not found")
    public static let idempotencyConflict = KlingAPIError(status: .conflict, code: 1200, message: "Idempotency-Key was already used with a different body")
    public static func quotaExhausted(_ limit: String) -> KlingAPIError {
        .init(status: .tooManyRequests, code: 1102, message: "quota exhausted: \(limit)")
    }
    public static func rateLimited(retryAfter: Int) -> KlingAPIError {
        .init(status: .tooManyRequests, code: 1302, message: "requests-per-minute limit reached", retryAfter: retryAfter)
    }
    public static func concurrencyLimited(_ which: String, retryAfter: Int) -> KlingAPIError {
        .init(status: .tooManyRequests, code: 1303, message: "concurrent-task limit reached (\(which))", retryAfter: retryAfter)
    }
    public static func upstreamFailed(_ message: String) -> KlingAPIError {
        .init(status: .badGateway, code: 5000, message: "upstream refused or failed the submission; the reservation was released: \(message)")
    }
    public static let databaseUnavailable = KlingAPIError(status: .serviceUnavailable, code: 5001, message: "database unavailable; nothing was reserved", retryAfter: 1)

    public init(_ error: KlingError) {
        self.init(status: .badRequest, code: error.code, message: error.message)
    }

    public func response(requestID: String) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message), "request_id": .string(requestID)]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONValue.object(body).encodedData())))
    }
}
