import Foundation
import Pricing

/// A validated omni-video create body (`POST /v1/videos/omni-video`).
public struct VideoRequest: OmniCreateRequest, Equatable {
    public let body: [String: JSONValue]
    public let model: String
    /// std, pro or 4k.
    public let mode: String
    /// Sound generation (kling-v3-omni only; always false for kling-video-o1).
    public let sound: Bool
    /// The requested length; nil for a base edit, which lasts as long as its input.
    public let durationSeconds: Int?
    public let externalTaskID: String?
    public let callbackURL: String?
    /// A video_list entry with refer_type base: the task edits that video.
    public let isEdit: Bool
    /// Any video_list entry, feature or base: the price multiplier applies.
    public let hasVideoReference: Bool
    /// The longest input the model accepts: what an edit reserves.
    public let maxEditSeconds: Int

    public var priceRequest: PriceRequest {
        .video(VideoPriceRequest(
            model: model, mode: mode, sound: sound, videoReference: hasVideoReference,
            seconds: durationSeconds.map(VideoSeconds.fixed) ?? .edit(maxSeconds: maxEditSeconds)
        ))
    }

    /// The fields this parser reads; all others pass through untouched.
    static let knownKeys = [
        "model_name", "model", "prompt", "multi_shot", "shot_type", "multi_prompt", "image_list",
        "element_list", "video_list", "sound", "mode", "aspect_ratio", "duration", "callback_url",
        "external_task_id", "watermark_info",
    ]
}
