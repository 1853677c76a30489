import Pricing

/// What an admin sets on a channel (checked by the caller): a create, or a PATCH applied to the stored one.
public struct ChannelSettings: Sendable, Equatable {
    public var name: String
    public var baseURL: String
    public var credentials: ChannelCredentials
    public var priority: Int
    public var weight: Int
    public var models: [String]?
    public var enabled: Bool
    public var cost: PriceAdjustment

    public init(name: String, baseURL: String, credentials: ChannelCredentials = .none, priority: Int = UpstreamChannel.defaultPriority,
                weight: Int = UpstreamChannel.defaultWeight, models: [String]? = nil, enabled: Bool = true, cost: PriceAdjustment = .identity) {
        self.name = name
        self.baseURL = baseURL
        self.credentials = credentials
        self.priority = priority
        self.weight = weight
        self.models = models
        self.enabled = enabled
        self.cost = cost
    }

    init(_ channel: UpstreamChannel) {
        let credentials: ChannelCredentials = if let key = channel.apiKey {
            .bearer(apiKey: key)
        } else if let access = channel.accessKey, let secret = channel.secretKey {
            .jwt(accessKey: access, secretKey: secret)
        } else {
            .none
        }
        self.init(name: channel.name, baseURL: channel.baseURL, credentials: credentials, priority: channel.priority,
                  weight: channel.weight, models: channel.models, enabled: channel.enabled, cost: channel.cost)
    }
}
