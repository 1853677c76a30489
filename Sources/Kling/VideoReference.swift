/// omni-video's `video_list`: at most one video, a feature reference or the
/// base video to edit.
struct VideoReference {
    /// refer_type base: the task edits this video, and lasts as long as it.
    var isBase: Bool
    /// The list with refer_type written in (the upstream's default is base).
    var normalized: [JSONValue]

    /// Nil when the body has no video (no list, or an empty one).
    static func read(_ body: FieldReader) throws(KlingError) -> VideoReference? {
        guard let items = try body.objectItems("video_list"), let item = items.first else { return nil }
        guard items.count == 1 else {
            throw body.invalid("video_list", "at most 1 video, got \(items.count)")
        }
        guard try item.nonEmptyString("video_url") != nil else { throw item.invalid("video_url", "required") }
        let referType = try item.choice("refer_type", ["feature", "base"]) ?? "base"
        _ = try item.choice("keep_original_sound", ["yes", "no"])
        var members = item.object.removingNulls(of: ["video_url", "refer_type", "keep_original_sound"])
        members["refer_type"] = .string(referType)
        return VideoReference(isBase: referType == "base", normalized: [.object(members)])
    }
}
