import Foundation
import Gateway
import Testing

/// The Kling AK/SK token: HS256 checked against the published examples, then its header and claims.
@Suite struct KlingJWTTests {
    static func decode(_ part: Substring) throws -> [String: Any] {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        let data = try #require(Data(base64Encoded: text))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theSignatureMatchesRFC7515AppendixA1() throws {
        let signingInput = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        var key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while key.count % 4 != 0 { key += "=" }
        let keyData = try #require(Data(base64Encoded: key))
        #expect(KlingJWT.signature(signingInput: signingInput, key: keyData) == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    }

    @Test func theSignatureMatchesTheJWTIOExample() {
        let signingInput = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        #expect(KlingJWT.signature(signingInput: signingInput, key: Data("your-256-bit-secret".utf8))
                == "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
    }

    @Test func aTokenCarriesTheAccessKeyAndThirtyMinutes() throws {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let token = KlingJWT.token(accessKey: "ak-1", secretKey: "sk-1", now: now)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(parts[0] == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9") // {"alg":"HS256","typ":"JWT"}
        let claims = try Self.decode(parts[1])
        #expect(claims["iss"] as? String == "ak-1")
        let exp = try #require(claims["exp"] as? Int)
        let nbf = try #require(claims["nbf"] as? Int)
        #expect(exp == 1_767_227_400, "now + 1800 s")
        #expect(nbf == 1_767_225_595, "now - 5 s")
        #expect(String(parts[2]) == KlingJWT.signature(signingInput: "\(parts[0]).\(parts[1])", key: Data("sk-1".utf8)))
    }

    @Test func theSignerReusesItsTokenAndRefreshesItBeforeItLapses() async {
        let clock = ManualClock()
        let base = Date(timeIntervalSince1970: 1_767_225_600)
        let signer = KlingJWTSigner(accessKey: "ak", secretKey: "sk") { base.addingTimeInterval(clock.elapsedSeconds) }
        let first = await signer.token()
        clock.advance(.seconds(24 * 60))
        #expect(await signer.token() == first)
        clock.advance(.seconds(60))
        let refreshed = await signer.token()
        #expect(refreshed != first, "made anew at 25 minutes, 5 before the old one lapses")
        #expect(refreshed == KlingJWT.token(accessKey: "ak", secretKey: "sk", now: base.addingTimeInterval(25 * 60)))
    }
}
