import Foundation
import Hummingbird

/// `Authorization: Bearer <token>`: the token is the account. With an API key
/// configured only that token is accepted.
enum BearerToken {
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
