import Foundation
import Pricing

/// A validated omni-image create body (`POST /v1/images/omni-image`).
public struct ImageRequest: OmniCreateRequest, Equatable {
    public let body: [String: JSONValue]
    public let model: String
    /// 1k, 2k or 4k.
    public let resolution: String
    /// single or series.
    public let resultType: String
    /// `n` (single), `series_amount` (series), or `.auto` for series_amount "auto".
    public let count: ImageCount
    public let externalTaskID: String?
    public let callbackURL: String?

    public var isSeries: Bool { resultType == "series" }

    public var priceRequest: PriceRequest {
        .image(ImagePriceRequest(model: model, resolution: resolution, count: count))
    }

    /// The fields this parser reads; all others pass through untouched.
    static let knownKeys = [
        "model_name", "model", "prompt", "image_list", "element_list", "resolution", "result_type",
        "n", "series_amount", "aspect_ratio", "callback_url", "external_task_id", "watermark_info",
    ]
}
