/// One row of the video table: the price of one output second.
public struct VideoPrice: Codable, Sendable, Equatable {
    public var model: String
    public var mode: String
    /// "on" or "off": sound is priced separately on kling-v3-omni.
    public var sound: String
    public var microsPerSecond: Int64

    public init(model: String, mode: String, sound: String, microsPerSecond: Int64) {
        self.model = model
        self.mode = mode
        self.sound = sound
        self.microsPerSecond = microsPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case model, mode, sound
        case microsPerSecond = "micros_per_second"
    }
}
