import Accounting
import Crypto
import Foundation

/// CSRF tokens bound to the session: derived from the session id (which only the browser's cookie
/// holds, the database keeps its hash), so a token of one session is worthless in another.
enum ConsoleCSRF {
    static func token(for sessionSecret: String) -> String {
        let digest = SHA256.hash(data: Data(("omnimeter-csrf:" + sessionSecret).utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    static func matches(_ presented: String?, sessionSecret: String) -> Bool {
        guard let presented, !presented.isEmpty, !sessionSecret.isEmpty else { return false }
        return Secrets.constantTimeEquals(Array(presented.utf8), Array(token(for: sessionSecret).utf8))
    }
}
