import Accounting
import Hummingbird
import NIOCore
import Postgres

/// Turns every error under `/console/` and `/portal/` into an HTML page: a form value the admin API's
/// rules refuse is shown with the rule's own message and status, never as a 500.
struct ConsoleErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let kind: ConsoleSessionKind
    let pages: ConsolePages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as ConsoleFailure {
            return page(failure.status, failure.message)
        } catch let error as AdminAPIError {
            return page(error.status, error.message)
        } catch let error as PostgresError where error.isUnavailable {
            context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return page(.serviceUnavailable, "database unavailable; nothing was changed")
        } catch let error as HTTPError {
            return page(error.status, error.body ?? error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            return page(.contentTooLarge, "the form is larger than this page accepts; nothing was changed")
        } catch {
            context.logger.error("unexpected error on the \(kind.rawValue)", metadata: ["error": "\(error)"])
            return page(.internalServerError, "internal error")
        }
    }

    func page(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let base = ConsoleCookies.path(kind)
        return pages.response("error", [
            "title": "\(status.code) \(status.reasonPhrase)", "message": message, "back": "\(base)/",
            "area": kind == .console ? "console" : "portal", "base": base,
        ], status: status)
    }
}
