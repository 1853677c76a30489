import Accounting
import Hummingbird
import NIOCore

/// The request context of admin routes: the gateway's, plus who is calling, which
/// AdminAuthMiddleware sets before any route runs.
public struct AdminContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    public var principal: AdminPrincipal?

    public init(context: GatewayContext) throws {
        coreContext = context.coreContext
        channel = context.channel
        principal = nil
    }

    public var maxUploadSize: Int { 4 * 1024 * 1024 }

    /// The caller; a route reached without authentication is refused rather than trusted.
    public func caller() throws -> AdminPrincipal {
        guard let principal else { throw AdminAPIError.unauthenticated }
        return principal
    }

    /// For the few reads that finance may not see (admin tokens).
    public func requireAdmin() throws -> AdminPrincipal {
        let principal = try caller()
        guard principal.role == .admin else { throw AdminAPIError.forbidden }
        return principal
    }
}

extension AdminContext: ConnectionRequestContext {}
