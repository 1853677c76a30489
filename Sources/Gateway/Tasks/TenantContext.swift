import Accounting
import Hummingbird

/// The request context of tenant routes: the gateway's, plus the authenticated key, which
/// `TenantAuthMiddleware` sets before any route runs.
public struct TenantContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestID: String
    public var key: AuthenticatedKey?

    public init(context: GatewayContext) throws {
        coreContext = context.coreContext
        requestID = context.requestID
        key = nil
    }

    /// Bodies above this are refused before they are read.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }

    /// The caller; a route reached without authentication is refused rather than trusted.
    public func caller() throws -> AuthenticatedKey {
        guard let key else { throw KlingAPIError.missingKey }
        return key
    }
}
