/// How requests to one upstream channel are signed in: nothing, a bearer API key, or a bearer Kling JWT
/// made from the channel's access key and secret key. Never logged.
public enum UpstreamAuth: Sendable {
    case none
    case bearer(String)
    case kling(KlingJWTSigner)

    /// The `Authorization` header value, if any.
    func header() async -> String? {
        switch self {
        case .none: nil
        case .bearer(let key): "Bearer \(key)"
        case .kling(let signer): "Bearer \(await signer.token())"
        }
    }
}
