import Foundation
import Hummingbird
import Kling

/// An error on the admin API: `{"error":{"code":"…","message":"…"}}` with 400, 401, 403, 404, 409 or 422
/// (and 503 when the database is unreachable).
public struct AdminAPIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static let unauthenticated = AdminAPIError(status: .unauthorized, code: "unauthenticated", message: "send Authorization: Bearer <admin token>")
    public static let forbidden = AdminAPIError(status: .forbidden, code: "forbidden", message: "this token's role may not do that")
    public static func notFound(_ what: String) -> AdminAPIError { .init(status: .notFound, code: "not_found", message: "\(what) not found") }
    public static func badRequest(_ message: String) -> AdminAPIError { .init(status: .badRequest, code: "bad_request", message: message) }
    public static func invalid(_ message: String) -> AdminAPIError { .init(status: .unprocessableContent, code: "invalid", message: message) }
    public static func conflict(_ message: String) -> AdminAPIError { .init(status: .conflict, code: "conflict", message: message) }
    public static func tooLarge(_ limit: Int) -> AdminAPIError {
        .init(status: .contentTooLarge, code: "payload_too_large", message: "body: larger than \(limit) bytes")
    }
    public static let databaseUnavailable = AdminAPIError(status: .serviceUnavailable, code: "database_unavailable", message: "database unavailable; nothing was changed")

    public func response() -> Response {
        let body = JSONValue.object(["error": .object(["code": .string(code), "message": .string(message)])])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body.encodedData())))
    }
}
