/// How a channel signs in upstream: nothing, a bearer API key, or Kling's access key and secret key
/// (a JWT made from them). Write-only: the API takes them and never answers them.
public enum ChannelCredentials: Sendable, Equatable {
    case none
    case bearer(apiKey: String)
    case jwt(accessKey: String, secretKey: String)

    var apiKey: String? {
        if case .bearer(let key) = self { return key }
        return nil
    }

    var accessKey: String? {
        if case .jwt(let access, _) = self { return access }
        return nil
    }

    var secretKey: String? {
        if case .jwt(_, let secret) = self { return secret }
        return nil
    }
}
