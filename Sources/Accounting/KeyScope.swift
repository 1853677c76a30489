import Foundation

/// What a tenant key may do. A key made without `scopes` has every one (docs: README "Key scopes").
public enum KeyScope: String, Sendable, Codable, CaseIterable, Comparable {
    /// Create tasks and estimate prices.
    case tasksWrite = "tasks:write"
    /// Read tasks and task lists.
    case tasksRead = "tasks:read"
    /// `/v1/usage` and `/v1/statements`.
    case usageRead = "usage:read"
    /// See the tenant's `webhook_secret` in `/v1/account`.
    case accountSecrets = "account:secrets"

    public static let all: [KeyScope] = allCases

    /// Duplicates dropped, in the one fixed order, so equal sets compare and print equal.
    public static func normalized(_ scopes: [KeyScope]) -> [KeyScope] {
        allCases.filter(scopes.contains)
    }

    public static func < (lhs: KeyScope, rhs: KeyScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A key called a route its scopes do not cover (tenant API: 403, code 1103).
public struct MissingScope: Error, Sendable, Equatable {
    public var scope: KeyScope

    public init(_ scope: KeyScope) {
        self.scope = scope
    }

    public var message: String { "this key lacks the scope \(scope.rawValue)" }
}

extension AuthenticatedKey {
    public func has(_ scope: KeyScope) -> Bool {
        scopes.contains(scope)
    }

    /// The one check every tenant handler makes before it reads or writes anything.
    public func require(_ scope: KeyScope) throws(MissingScope) {
        guard has(scope) else { throw MissingScope(scope) }
    }
}
