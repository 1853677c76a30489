import Foundation
import Hummingbird

/// `Authorization: Bearer <token>`: the token is the account. With an API key
/// configured only that token is accepted; with AK/SK keys configured only a Kling JWT signed with
/// one of them, and its access key is the account.
enum BearerToken {
    static func account(_ request: Request, config: SimulatorConfig) throws(SimulatorError) -> String {
        let token = try account(request, apiKey: config.jwtKeys.isEmpty ? config.apiKey : nil)
        guard !config.jwtKeys.isEmpty else { return token }
        return try KlingJWTCheck(keys: config.jwtKeys).verify(token).issuer
    }

    static func account(_ request: Request, apiKey: String?) throws(SimulatorError) -> String {
        guard let header = request.headers[.authorization] else { throw .missingToken }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .missingToken }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw .missingToken }
        if let apiKey, token != apiKey { throw .wrongToken }
        return token
    }
}
