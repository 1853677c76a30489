import Accounting
import Hummingbird
import NIOCore

/// The request context of signed-in console and portal pages: the gateway's, plus the session that
/// ConsoleSessionMiddleware found and, on a POST, the form it read and checked.
public struct ConsoleContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    public var session: ConsoleSession?
    /// The session id from the cookie; the CSRF token is derived from it.
    var secret = ""
    var form = ConsoleForm(fields: [:])

    public init(context: GatewayContext) throws {
        coreContext = context.coreContext
        channel = context.channel
        session = nil
    }

    /// Forms are small; anything bigger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }

    func requireSession() throws -> ConsoleSession {
        guard let session else { throw ConsoleFailure(status: .forbidden, message: "not signed in") }
        return session
    }

    /// The admin principal of a console session; the admin API's stores record it as the actor.
    func principal() throws -> AdminPrincipal {
        guard let principal = try requireSession().principal else { throw ConsoleFailure(status: .forbidden, message: "not signed in to the console") }
        return principal
    }

    var csrf: String { ConsoleCSRF.token(for: secret) }
}

extension ConsoleContext: ConnectionRequestContext {}
