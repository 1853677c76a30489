import Hummingbird
import Kling

/// An upstream error answer `{"code":C,"message":"…","request_id":"…"}`,
/// with the codes of docs/upstream.md.
struct SimulatorError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: Int
    var message: String

    init(status: HTTPResponse.Status, code: Int, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A body the Kling parsers refuse: 400 with its 1200/1201.
    init(_ error: KlingError) {
        self.init(status: .badRequest, code: error.code, message: error.message)
    }

    static let missingToken = SimulatorError(status: .unauthorized, code: 1000, message: "authorization is empty: send Authorization: Bearer <token>")
    static let wrongToken = SimulatorError(status: .unauthorized, code: 1002, message: "authorization is invalid")
    static let expiredToken = SimulatorError(status: .unauthorized, code: 1004, message: "authorization has expired or is not yet valid")
    static let submitRateLimited = SimulatorError(status: .tooManyRequests, code: 1302, message: "too many requests (simulated: submit_429_rate; nothing was created)")
    static let taskNotFound = SimulatorError(status: .notFound, code: 1203, message: "task not found")
    static let submitFailed = SimulatorError(status: .internalServerError, code: 5000, message: "internal error (simulated: submit_error_rate)")
    static let contentRefused = SimulatorError(status: .badRequest, code: 1301, message: "the content failed the safety check (simulated: submit_refusal_rate)")
    static let answerLost = SimulatorError(status: .gatewayTimeout, code: 5002, message: "gateway timeout (simulated: lost_answer_rate; the task was created)")
    static let failedAfterCreate = SimulatorError(status: .internalServerError, code: 5000, message: "internal error (simulated: created_error_rate; the task was created)")
    static let queryFailed = SimulatorError(status: .internalServerError, code: 5000, message: "internal error (simulated: query_error_rate)")
    static let rateLimited = SimulatorError(status: .tooManyRequests, code: 1302, message: "too many requests (simulated: query_429_rate)")

    static func invalid(_ field: String, _ reason: String) -> SimulatorError {
        SimulatorError(KlingError.invalid(field, reason))
    }
}
