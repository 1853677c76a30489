import Foundation
import Postgres
import Pricing

/// One of the operator's upstream accounts (docs/channels.md). Its secrets (`apiKey`, `secretKey`)
/// are held for the upstream client only: the encoding, which both the API and the audit log use,
/// names the kind of auth and never a key.
public struct UpstreamChannel: Sendable, Encodable, Equatable {
    /// The built-in channel made from OMNIMETER_UPSTREAM_URL/_KEY when no channel row is enabled.
    public static let defaultID = "default"

    public var id: String
    public var name: String
    public var baseURL: String
    public var apiKey: String?
    public var accessKey: String?
    public var secretKey: String?
    public var priority: Int
    public var weight: Int
    /// nil: every model.
    public var models: [String]?
    public var enabled: Bool
    /// The cost book: the list price times `multiplier`, except the combinations its rows price.
    public var cost: PriceAdjustment
    public var deletedAt: Date?
    public var createdAt: Date?
    public var updatedAt: Date?
    /// The built-in channel, which the API shows but cannot change.
    public var readOnly: Bool = false

    public static let defaultPriority = 10
    public static let defaultWeight = 1

    public init(id: String, name: String, baseURL: String, apiKey: String? = nil, accessKey: String? = nil, secretKey: String? = nil,
                priority: Int = UpstreamChannel.defaultPriority, weight: Int = UpstreamChannel.defaultWeight, models: [String]? = nil,
                enabled: Bool = true, cost: PriceAdjustment = .identity) {
        self.id = id
        self.name = name
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.priority = priority
        self.weight = weight
        self.models = models
        self.enabled = enabled
        self.cost = cost
    }

    /// The built-in channel: the configured upstream at the list price.
    public static func builtIn(baseURL: String, apiKey: String?) -> UpstreamChannel {
        var channel = UpstreamChannel(id: defaultID, name: defaultID, baseURL: baseURL, apiKey: apiKey)
        channel.readOnly = true
        return channel
    }

    /// "bearer" (an API key), "jwt" (Kling's access key and secret key) or "none".
    public var auth: String {
        if apiKey != nil { return "bearer" }
        if accessKey != nil, secretKey != nil { return "jwt" }
        return "none"
    }

    public func allows(model: String) -> Bool {
        models.map { $0.contains(model) } ?? true
    }

    static let columns: StaticString = """
        id, name, base_url, api_key, access_key, secret_key, priority, weight, models, enabled,
        cost_multiplier, cost, deleted_at, created_at, updated_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode(String.self, "id")
        name = try row.decode(String.self, "name")
        baseURL = try row.decode(String.self, "base_url")
        apiKey = try row.decode(String?.self, "api_key")
        accessKey = try row.decode(String?.self, "access_key")
        secretKey = try row.decode(String?.self, "secret_key")
        priority = try row.decode(Int.self, "priority")
        weight = try row.decode(Int.self, "weight")
        models = try row.decode(PostgresJSON?.self, "models")?.decode([String]?.self)
        enabled = try row.decode(Bool.self, "enabled")
        let book = try row.decode(PostgresJSON?.self, "cost")?.decode(ChannelCostRows.self) ?? ChannelCostRows()
        cost = PriceAdjustment(multiplier: try row.decode(String.self, "cost_multiplier"), video: book.video, image: book.image)
        deletedAt = try row.decode(Date?.self, "deleted_at")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, name, auth, priority, weight, models, enabled, cost
        case baseURL = "base_url"
        case costMultiplier = "cost_multiplier"
        case readOnly = "read_only"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(baseURL, forKey: .baseURL)
        try container.encode(auth, forKey: .auth)
        try container.encode(priority, forKey: .priority)
        try container.encode(weight, forKey: .weight)
        try container.encode(models, forKey: .models)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(cost.multiplier, forKey: .costMultiplier)
        try container.encode(ChannelCostRows(video: cost.video, image: cost.image), forKey: .cost)
        try container.encode(readOnly, forKey: .readOnly)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
