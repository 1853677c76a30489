/// The inputs that price a video task.
public struct VideoPriceRequest: Codable, Sendable, Equatable, Hashable {
    public var model: String
    public var mode: String
    public var sound: Bool
    /// Any video_list entry (feature or base) applies the book's multiplier.
    public var videoReference: Bool
    public var seconds: VideoSeconds

    public init(model: String, mode: String, sound: Bool, videoReference: Bool, seconds: VideoSeconds) {
        self.model = model
        self.mode = mode
        self.sound = sound
        self.videoReference = videoReference
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case model, mode, sound, seconds
        case videoReference = "video_reference"
    }
}
