import Crypto
import Foundation

/// Kling's own API signs in with a JWT made from an access key and a secret key (docs/channels.md):
/// HS256, header `{"alg":"HS256","typ":"JWT"}`, claims `iss` = the access key, `exp` = now + 30 min,
/// `nbf` = now − 5 s. Made with swift-crypto's HMAC; the format is tested against the published
/// HS256 examples (RFC 7515 A.1 and jwt.io's).
public enum KlingJWT {
    public static let lifetime: TimeInterval = 1800
    public static let notBeforeSkew: TimeInterval = 5
    static let header = #"{"alg":"HS256","typ":"JWT"}"#

    /// A token for `accessKey`, valid from `now − 5 s` to `now + 30 min`.
    public static func token(accessKey: String, secretKey: String, now: Date = Date()) -> String {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        // the claims by hand, in a fixed order, so that the token is reproducible (and the key is escaped)
        let claims = #"{"iss":"# + jsonString(accessKey) + #","exp":\#(seconds + Int64(lifetime)),"nbf":\#(seconds - Int64(notBeforeSkew))}"#
        let signingInput = base64URL(Data(header.utf8)) + "." + base64URL(Data(claims.utf8))
        return signingInput + "." + signature(signingInput: signingInput, key: Data(secretKey.utf8))
    }

    /// The base64url HMAC-SHA256 of `signingInput` (the JWS signature of HS256).
    public static func signature(signingInput: String, key: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: key))
        return base64URL(Data(mac))
    }

    /// Base64url without padding (RFC 7515 §2).
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
