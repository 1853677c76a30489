import Accounting
import Hummingbird
import Postgres

/// A value the database refused (a check constraint, a number out of range, a string it cannot store)
/// is the client's fault, and the transaction was rolled back: answer 422, never 500. Validation
/// should catch these first; this is the net under it.
struct AdminRefusedValueMiddleware: RouterMiddleware {
    typealias Context = AdminContext

    func handle(_ request: Request, context: AdminContext, next: (Request, AdminContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as BalanceOutOfBounds {
            throw AdminAPIError.invalid(error.description)
        } catch let error as PostgresError where error.kind == .server && (error.sqlState?.hasPrefix("22") ?? false || error.sqlState == "23514") {
            context.logger.warning("database refused a value that validation let through", metadata: ["error": "\(error.message)"])
            throw AdminAPIError.invalid("a value was refused: \(error.message)")
        }
    }
}
