import Foundation

/// Who a console or portal session belongs to.
public enum ConsoleSessionKind: String, Sendable {
    /// The operators' console, signed in with an admin token.
    case console
    /// The tenants' portal, signed in with a tenant key.
    case portal
}

/// A live session: found by the hash of its id, not ended, not past its 12 hours, and its token or
/// key still valid at the moment it was looked up.
public struct ConsoleSession: Sendable, Equatable {
    public var kind: ConsoleSessionKind
    /// Console only: the signed-in token's role.
    public var role: AdminRole?
    /// Console only: the admin token's id, or "bootstrap"; what audit rows record as the actor.
    public var actor: String?
    /// Portal only.
    public var apiKeyID: UUID?
    public var tenantID: UUID?
    public var expiresAt: Date

    public init(kind: ConsoleSessionKind, role: AdminRole?, actor: String?, apiKeyID: UUID?, tenantID: UUID?, expiresAt: Date) {
        self.kind = kind
        self.role = role
        self.actor = actor
        self.apiKeyID = apiKeyID
        self.tenantID = tenantID
        self.expiresAt = expiresAt
    }

    /// Console sessions of the admin role may change things; finance and the portal only read.
    public var mayWrite: Bool { kind == .console && role?.mayWrite == true }

    public var principal: AdminPrincipal? {
        guard kind == .console, let role, let actor else { return nil }
        return AdminPrincipal(actor: actor, role: role)
    }
}
