import Hummingbird
import Kling

/// Turns every error of a route into the upstream's error answer.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SimulatorContext

    func handle(
        _ request: Request, context: SimulatorContext, next: (Request, SimulatorContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SimulatorError {
            return KlingAnswer.failure(error, requestID: context.requestID)
        } catch let error as KlingError {
            return KlingAnswer.failure(SimulatorError(error), requestID: context.requestID)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? 1203 : (error.status.code == 413 ? 1201 : 1200)
            let failure = SimulatorError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase)
            return KlingAnswer.failure(failure, requestID: context.requestID)
        } catch let error as CancellationError {
            throw error
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return KlingAnswer.failure(SimulatorError(status: .internalServerError, code: 5000, message: "internal error"), requestID: context.requestID)
        }
    }
}
