import Pricing

/// A PATCH of a channel: each field kept or set. `models` set to nil allows every model again.
public struct ChannelChanges: Sendable {
    public var name: Patch<String> = .keep
    public var baseURL: Patch<String> = .keep
    public var credentials: Patch<ChannelCredentials> = .keep
    public var priority: Patch<Int> = .keep
    public var weight: Patch<Int> = .keep
    public var models: Patch<[String]?> = .keep
    public var enabled: Patch<Bool> = .keep
    public var costMultiplier: Patch<String> = .keep
    public var costRows: Patch<ChannelCostRows> = .keep

    public init() {}

    public func applied(to settings: ChannelSettings) -> ChannelSettings {
        var result = settings
        result.name = name.applied(to: settings.name)
        result.baseURL = baseURL.applied(to: settings.baseURL)
        result.credentials = credentials.applied(to: settings.credentials)
        result.priority = priority.applied(to: settings.priority)
        result.weight = weight.applied(to: settings.weight)
        result.models = models.applied(to: settings.models)
        result.enabled = enabled.applied(to: settings.enabled)
        result.cost.multiplier = costMultiplier.applied(to: settings.cost.multiplier)
        let rows = costRows.applied(to: ChannelCostRows(video: settings.cost.video, image: settings.cost.image))
        result.cost.video = rows.video
        result.cost.image = rows.image
        return result
    }
}
