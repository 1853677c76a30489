import Accounting
import Hummingbird

/// Authenticates the tenant key of a request and maps the outcome to the contract's codes:
/// 1000 no key, 1002 unknown or revoked, 1004 expired. Suspension is not checked here: a suspended
/// tenant may read, and only creates refuse it (1100).
struct TenantAuthentication: Sendable {
    let authenticator: KeyAuthenticator

    func authenticate(_ request: Request) async throws -> AuthenticatedKey {
        let key: AuthenticatedKey
        do {
            key = try await authenticator.authenticate(secret: Self.bearerToken(request))
        } catch let error as KeyAuthenticationError {
            switch error {
            case .missing: throw KlingAPIError.missingKey
            case .unknown: throw KlingAPIError.unknownKey
            case .expired: throw KlingAPIError.expiredKey
            }
        }
        return key
    }

    /// The token of `Authorization: Bearer <token>` (the scheme is case-insensitive), or nil.
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
