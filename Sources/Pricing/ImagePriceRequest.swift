/// The inputs that price an image task.
public struct ImagePriceRequest: Codable, Sendable, Equatable, Hashable {
    public var model: String
    public var resolution: String
    public var count: ImageCount

    public init(model: String, resolution: String, count: ImageCount) {
        self.model = model
        self.resolution = resolution
        self.count = count
    }
}
