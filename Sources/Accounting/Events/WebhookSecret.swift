import Foundation

/// Standard Webhooks signing secrets: `whsec_` + base64 of 32 bytes from the system's cryptographic
/// random source (getrandom(2) on Linux), the shape of the tenants' own.
public enum WebhookSecret {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }
}
