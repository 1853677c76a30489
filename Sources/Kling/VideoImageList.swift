/// omni-video's `image_list`: reference images, of which one may be the
/// first frame and one the end frame.
struct VideoImageList {
    var count = 0
    /// Index of the item typed first_frame.
    var firstFrame: Int?
    /// Index of the item typed end_frame.
    var endFrame: Int?
    /// The items with null members dropped; nil when the body had no list.
    var normalized: [JSONValue]?

    var hasFrames: Bool { firstFrame != nil || endFrame != nil }

    static let frameTypes = ["first_frame", "end_frame"]

    static func read(_ body: FieldReader) throws(KlingError) -> VideoImageList {
        var list = VideoImageList()
        guard let items = try body.objectItems("image_list") else { return list }
        list.count = items.count
        var normalized: [JSONValue] = []
        for (index, item) in items.enumerated() {
            _ = try item.imageSource()
            switch try item.choice("type", frameTypes) {
            case "first_frame":
                if list.firstFrame != nil { throw item.invalid("type", "only one first_frame is allowed") }
                list.firstFrame = index
            case "end_frame":
                if list.endFrame != nil { throw item.invalid("type", "only one end_frame is allowed") }
                list.endFrame = index
            default:
                break
            }
            normalized.append(.object(item.object.removingNulls(of: ["image_url", "image", "type"])))
        }
        list.normalized = normalized
        return list
    }
}
