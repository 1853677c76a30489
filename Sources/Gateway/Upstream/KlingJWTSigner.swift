import Foundation

/// A channel's current Kling JWT: made once and reused until 5 minutes before it lapses (25 of its
/// 30 minutes), then made anew, so that no request goes out with a token about to expire.
public actor KlingJWTSigner {
    let accessKey: String
    let secretKey: String
    let now: @Sendable () -> Date
    private var current: (token: String, madeAt: Date)?

    static let refreshAfter: TimeInterval = 25 * 60

    public init(accessKey: String, secretKey: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.now = now
    }

    public func token() -> String {
        let instant = now()
        if let current, instant.timeIntervalSince(current.madeAt) < Self.refreshAfter, instant >= current.madeAt {
            return current.token
        }
        let token = KlingJWT.token(accessKey: accessKey, secretKey: secretKey, now: instant)
        current = (token, instant)
        return token
    }
}
