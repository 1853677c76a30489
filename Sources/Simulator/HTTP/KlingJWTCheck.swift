import Crypto
import Foundation
import Kling

/// Checks a Kling AK/SK token the way the upstream does: a JWT whose header is HS256 and typ JWT,
/// whose `iss` is a known access key, whose HMAC-SHA256 signature verifies with that key's secret, and
/// whose `nbf` has passed and `exp` has not. Anything else is 401. The account is the access key.
struct KlingJWTCheck: Sendable {
    /// access key → secret key.
    let keys: [String: String]

    /// What the last good token said, for tests.
    struct Claims: Sendable, Equatable {
        var header: JSONValue
        var issuer: String
        var notBefore: Int64
        var expires: Int64
    }

    func verify(_ token: String, now: Date = Date()) throws(SimulatorError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = Self.base64URLDecode(parts[0]), let claimsData = Self.base64URLDecode(parts[1]),
              let signature = Self.base64URLDecode(parts[2]),
              let header = try? JSONValue.decode(headerData), let claims = try? JSONValue.decode(claimsData)
        else { throw .wrongToken }
        guard header["alg"]?.stringValue == "HS256", header["typ"]?.stringValue == "JWT" else { throw .wrongToken }
        guard let issuer = claims["iss"]?.stringValue, let secret = keys[issuer] else { throw .wrongToken }
        let signingInput = Data((parts[0] + "." + parts[1]).utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: SymmetricKey(data: Data(secret.utf8))) else {
            throw .wrongToken
        }
        guard let expires = claims["exp"]?.int64Value, let notBefore = claims["nbf"]?.int64Value else { throw .wrongToken }
        let seconds = Int64(now.timeIntervalSince1970)
        guard notBefore <= seconds, seconds < expires else { throw .expiredToken }
        return Claims(header: header, issuer: issuer, notBefore: notBefore, expires: expires)
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
