import Pricing

/// A channel's cost override rows as `channels.cost` keeps them: `{"video":[rows],"image":[rows]}`,
/// the price book's row shape.
public struct ChannelCostRows: Codable, Sendable, Equatable {
    public var video: [VideoPrice]
    public var image: [ImagePrice]

    public init(video: [VideoPrice] = [], image: [ImagePrice] = []) {
        self.video = video
        self.image = image
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        video = try container.decodeIfPresent([VideoPrice].self, forKey: .video) ?? []
        image = try container.decodeIfPresent([ImagePrice].self, forKey: .image) ?? []
    }

    enum CodingKeys: String, CodingKey { case video, image }
}
