import Foundation

extension VideoRequest {
    static let modes = ["std", "pro", "4k"]
    static let aspectRatios = ["16:9", "9:16", "1:1"]
    static let defaultMode = "pro"
    static let defaultDuration = 5

    public static func parse(_ body: Data) throws(KlingError) -> VideoRequest {
        try parse(object: BodyDecoding.object(body))
    }

    /// Validates every omni-video rule of docs/upstream.md; the first broken one is
    /// the error. Fields the upstream documents as ignored in the request's
    /// shape (shot_type and multi_prompt without multi_shot, duration in an
    /// edit, prompt in a customize storyboard) pass through unchecked.
    public static func parse(object: [String: JSONValue]) throws(KlingError) -> VideoRequest {
        let fields = FieldReader(object)
        let modelName = try fields.modelName(allowed: VideoModel.names, defaultModel: VideoModel.klingVideoO1.rawValue)
        guard let model = VideoModel(rawValue: modelName) else { throw fields.invalid("model_name", "unknown model") }

        let multiShot = try fields.bool("multi_shot") ?? false
        if multiShot, model != .klingV3Omni {
            throw fields.invalid("multi_shot", "only kling-v3-omni supports multi_shot")
        }
        let shotType = multiShot ? try MultiShot.shotType(fields) : nil
        // A customize storyboard replaces the prompt; intelligence storyboards it.
        if shotType != "customize" {
            _ = try fields.prompt(required: true)
        }

        let images = try VideoImageList.read(fields)
        let elements = try fields.elementCount()
        let video = try VideoReference.read(fields)
        let isEdit = video?.isBase == true

        let mode = try fields.choice("mode", modes) ?? defaultMode
        if mode == "4k", model != .klingV3Omni {
            throw fields.invalid("mode", "4k only with kling-v3-omni")
        }

        let sound = try fields.choice("sound", ["on", "off"])
        if sound != nil, model != .klingV3Omni {
            throw fields.invalid("sound", "only kling-v3-omni accepts sound")
        }
        if sound == "on", video != nil {
            throw fields.invalid("sound", "on is not allowed with a video_list")
        }

        let aspectRatio = try fields.choice("aspect_ratio", aspectRatios)
        if isEdit, aspectRatio != nil {
            throw fields.invalid("aspect_ratio", "not accepted with a base video (the output keeps its shape)")
        }
        if !isEdit, aspectRatio == nil, images.firstFrame == nil {
            throw fields.invalid("aspect_ratio", "required without a first frame or a base video")
        }

        let duration = isEdit ? nil : try checkedDuration(fields, model: model, images: images, elements: elements, video: video)
        if let shotType {
            try checkNoFrames(images, reason: "not allowed with multi_shot")
            try MultiShot.checkShots(fields, shotType: shotType, totalSeconds: duration)
        }
        try checkInputCombination(fields, model: model, images: images, elements: elements, video: video)

        let externalTaskID = try fields.externalTaskID()
        let callbackURL = try fields.callbackURL()
        try fields.checkWatermarkInfo()

        var body = object.removingNulls(of: knownKeys)
        body.removeValue(forKey: "model")
        body["model_name"] = .string(model.rawValue)
        body["mode"] = .string(mode)
        if model == .klingV3Omni { body["sound"] = .string(sound ?? "off") }
        if let duration { body["duration"] = .string(String(duration)) }
        if let list = images.normalized { body["image_list"] = .array(list) }
        if let video { body["video_list"] = .array(video.normalized) }

        return VideoRequest(
            body: body, model: model.rawValue, mode: mode, sound: sound == "on", durationSeconds: duration,
            externalTaskID: externalTaskID, callbackURL: callbackURL, isEdit: isEdit,
            hasVideoReference: video != nil, maxEditSeconds: model.maxEditSeconds
        )
    }

    /// The requested duration (default 5) within the model's range. kling-video-o1
    /// text-to-video (no image, element or video) and first-frame-only video
    /// accept only 5 or 10.
    private static func checkedDuration(
        _ fields: FieldReader, model: VideoModel, images: VideoImageList, elements: Int, video: VideoReference?
    ) throws(KlingError) -> Int {
        let duration = try fields.seconds("duration") ?? defaultDuration
        guard model.durations.contains(duration) else {
            throw fields.invalid("duration", "\(model.rawValue) accepts \(model.durations.lowerBound) to \(model.durations.upperBound), got \(duration)")
        }
        guard model == .klingVideoO1, elements == 0, video == nil, duration != 5, duration != 10 else { return duration }
        if images.count == 0 {
            throw fields.invalid("duration", "kling-video-o1 text-to-video accepts only 5 or 10")
        }
        if images.count == 1, images.firstFrame != nil {
            throw fields.invalid("duration", "kling-video-o1 first-frame-to-video accepts only 5 or 10")
        }
        return duration
    }

    /// The rules that tie images, frames, elements and a video together.
    private static func checkInputCombination(
        _ fields: FieldReader, model: VideoModel, images: VideoImageList, elements: Int, video: VideoReference?
    ) throws(KlingError) {
        if let end = images.endFrame, images.firstFrame == nil {
            throw .invalid("image_list[\(end)].type", "end_frame needs a first_frame")
        }
        if video?.isBase == true {
            try checkNoFrames(images, reason: "not allowed with a base video (video_list refer_type base)")
        }
        let limit = video == nil ? 7 : 4
        if images.count + elements > limit {
            throw fields.invalid(images.count > 0 ? "image_list" : "element_list",
                                 "images plus elements must be at most \(limit)\(video == nil ? "" : " with a reference video"), got \(images.count + elements)")
        }
        if model == .klingVideoO1, images.endFrame != nil, images.count > 2 {
            throw fields.invalid("image_list", "kling-video-o1 accepts an end_frame only with at most 2 images, got \(images.count)")
        }
        if model == .klingVideoO1, images.firstFrame != nil, images.endFrame != nil, elements > 0 {
            throw fields.invalid("element_list", "kling-video-o1 accepts no elements with a first and an end frame")
        }
        if images.firstFrame != nil, elements > 3 {
            throw fields.invalid("element_list", "at most 3 elements with a first frame, got \(elements)")
        }
    }

    private static func checkNoFrames(_ images: VideoImageList, reason: String) throws(KlingError) {
        if let index = images.firstFrame ?? images.endFrame {
            throw .invalid("image_list[\(index)].type", "first_frame and end_frame are \(reason)")
        }
    }
}
