import Crypto
import Foundation

/// Bearer secrets (tenant API keys, admin tokens): made from the system's cryptographic random
/// source, shown once, stored only as SHA-256 hashes.
public enum Secrets {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `prefix` and 40 base-62 characters: about 238 bits of randomness.
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator() // getrandom(2) on Linux
        let body = (0..<40).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
        return prefix + String(body)
    }

    public static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// The part of a secret that is safe to show, so people can tell their keys apart.
    public static func displayPrefix(_ secret: String) -> String {
        String(secret.prefix(12))
    }

    /// Compares two digests in time that does not depend on where they differ.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
