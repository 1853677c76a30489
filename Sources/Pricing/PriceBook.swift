/// The prices in force: what `GET/PUT /admin/v1/prices` shows and takes.
/// Amounts are integer micro-units of `currency`; the multiplier is a decimal
/// string so that it is exact (see `Multiplier`).
public struct PriceBook: Codable, Sendable, Equatable {
    public var currency: String
    /// Applied to a video's whole price when the request has a video_list entry.
    public var videoReferenceMultiplier: String
    public var video: [VideoPrice]
    public var image: [ImagePrice]

    public init(currency: String, videoReferenceMultiplier: String, video: [VideoPrice], image: [ImagePrice]) {
        self.currency = currency
        self.videoReferenceMultiplier = videoReferenceMultiplier
        self.video = video
        self.image = image
    }

    enum CodingKeys: String, CodingKey {
        case currency
        case videoReferenceMultiplier = "video_reference_multiplier"
        case video, image
    }

    /// The row for a video combination, or nil when the book has none.
    public func microsPerSecond(model: String, mode: String, sound: Bool) -> Int64? {
        let soundText = sound ? "on" : "off"
        return video.first { $0.model == model && $0.mode == mode && $0.sound == soundText }?.microsPerSecond
    }

    /// The row for an image combination, or nil when the book has none.
    public func microsPerImage(model: String, resolution: String) -> Int64? {
        image.first { $0.model == model && $0.resolution == resolution }?.microsPerImage
    }
}
