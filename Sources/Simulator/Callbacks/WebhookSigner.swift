import Crypto
import Foundation

/// Signs a callback per Standard Webhooks: `webhook-signature` is
/// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
public struct WebhookSigner: Sendable {
    /// The key's bytes (SymmetricKey itself is not Sendable).
    private let keyBytes: Data

    /// The gateway's rule (and Standard Webhooks'): `whsec_` is dropped and the
    /// rest base64-decoded to the key; text that is not base64 is used as UTF-8 bytes.
    public init(secret: String) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        keyBytes = Data(base64Encoded: encoded) ?? Data(encoded.utf8)
    }

    /// `v1,<base64>` for one message.
    public func signature(id: String, timestamp: Int, body: Data) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: keyBytes))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a signed message.
    public func headers(id: String, timestamp: Int, body: Data) -> [(name: String, value: String)] {
        [
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature(id: id, timestamp: timestamp, body: body)),
        ]
    }
}
