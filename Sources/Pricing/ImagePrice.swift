/// One row of the image table: the price of one produced image.
public struct ImagePrice: Codable, Sendable, Equatable {
    public var model: String
    public var resolution: String
    public var microsPerImage: Int64

    public init(model: String, resolution: String, microsPerImage: Int64) {
        self.model = model
        self.resolution = resolution
        self.microsPerImage = microsPerImage
    }

    enum CodingKeys: String, CodingKey {
        case model, resolution
        case microsPerImage = "micros_per_image"
    }
}
