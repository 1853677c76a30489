import Accounting
import Hummingbird
import Kling
import Logging
import NIOCore
import Postgres

/// Turns every error on the tenant API into the Kling envelope. A database that cannot be reached
/// is 503/5001; anything unexpected is logged and answered 500/5000 without internals.
struct TenantErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as KlingAPIError {
            return error.response(requestID: context.requestID)
        } catch let error as KlingError {
            return KlingAPIError(error).response(requestID: context.requestID)
        } catch let error as MissingScope {
            return KlingAPIError.notAllowed(error.message).response(requestID: context.requestID)
        } catch let error as PostgresError where error.isUnavailable {
            context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return KlingAPIError.databaseUnavailable.response(requestID: context.requestID)
        } catch is NIOTooManyBytesError {
            return KlingAPIError(status: .contentTooLarge, code: 1201, message: "body: larger than \(context.maxUploadSize) bytes").response(requestID: context.requestID)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? 1203 : (error.status.code == 413 ? 1201 : 1200)
            return KlingAPIError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase).response(requestID: context.requestID)
        } catch {
            context.logger.error("unexpected error on tenant API", metadata: ["error": "\(error)"])
            return KlingAPIError(status: .internalServerError, code: 5000, message: "internal error").response(requestID: context.requestID)
        }
    }
}

/// Turns every error on the admin API into `{"error":{…}}`.
struct AdminErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminAPIError {
            return error.response()
        } catch let error as PostgresError where error.isUnavailable {
            context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return AdminAPIError.databaseUnavailable.response()
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "bad_request"
            return AdminAPIError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase).response()
        } catch is NIOTooManyBytesError {
            return AdminAPIError.tooLarge(context.maxUploadSize).response()
        } catch let error as DecodingError {
            return AdminAPIError.badRequest("malformed JSON body: \(DecodingErrorText.describe(error))").response()
        } catch {
            context.logger.error("unexpected error on admin API", metadata: ["error": "\(error)"])
            return AdminAPIError(status: .internalServerError, code: "internal", message: "internal error").response()
        }
    }
}

enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
