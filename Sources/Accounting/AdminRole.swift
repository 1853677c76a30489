/// What an admin token may do: `admin` everything, `finance` only read.
public enum AdminRole: String, Sendable, Codable, CaseIterable {
    case admin
    case finance

    public var mayWrite: Bool { self == .admin }
}

/// Who is calling the admin API: a stored token, or the bootstrap token from the environment.
public struct AdminPrincipal: Sendable, Equatable {
    /// The token's id, or "bootstrap": what audit rows record as the actor.
    public var actor: String
    public var role: AdminRole

    public init(actor: String, role: AdminRole) {
        self.actor = actor
        self.role = role
    }

    public static let bootstrap = AdminPrincipal(actor: "bootstrap", role: .admin)
}
