import Foundation
import Pricing

extension ImageRequest {
    static let resolutions = ["1k", "2k", "4k"]
    static let aspectRatios = ["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "auto"]
    static let maxReferences = 10
    static let counts = 1...9
    static let seriesAmounts = 2...ImageCount.seriesMax
    static let defaultSeriesAmount = 4

    public static func parse(_ body: Data) throws(KlingError) -> ImageRequest {
        try parse(object: BodyDecoding.object(body))
    }

    /// Validates every omni-image rule of docs/upstream.md; the first broken one is
    /// the error. `n` in a series and `series_amount` in a single result are
    /// ignored by the upstream, and pass through unchecked.
    public static func parse(object: [String: JSONValue]) throws(KlingError) -> ImageRequest {
        let fields = FieldReader(object)
        let modelName = try fields.modelName(allowed: ImageModel.names, defaultModel: ImageModel.klingImageO1.rawValue)
        guard let model = ImageModel(rawValue: modelName) else { throw fields.invalid("model_name", "unknown model") }
        _ = try fields.prompt(required: true)

        var images = 0
        if let items = try fields.objectItems("image_list") {
            for item in items { _ = try item.imageSource() }
            images = items.count
        }
        let elements = try fields.elementCount()
        if images + elements > maxReferences {
            throw fields.invalid(images > 0 ? "image_list" : "element_list",
                                 "images plus elements must be at most \(maxReferences), got \(images + elements)")
        }

        let resolution = try fields.choice("resolution", resolutions) ?? "1k"
        if resolution == "4k", model != .klingV3Omni {
            throw fields.invalid("resolution", "4k only with kling-v3-omni")
        }
        let resultType = try fields.choice("result_type", ["single", "series"]) ?? "single"
        if resultType == "series", model != .klingV3Omni {
            throw fields.invalid("result_type", "series only with kling-v3-omni")
        }
        let count = resultType == "series" ? try seriesAmount(fields) : .fixed(try singleCount(fields))

        // kling-v3-omni text-to-image has no reference to take a shape from: no auto.
        let textOnlyV3 = model == .klingV3Omni && images == 0 && elements == 0
        let aspectRatio = try fields.choice("aspect_ratio", aspectRatios)
        if textOnlyV3, aspectRatio == "auto" {
            throw fields.invalid("aspect_ratio", "auto needs a reference image or element with kling-v3-omni")
        }

        let externalTaskID = try fields.externalTaskID()
        let callbackURL = try fields.callbackURL()
        try fields.checkWatermarkInfo()

        var body = object.removingNulls(of: knownKeys)
        body.removeValue(forKey: "model")
        body["model_name"] = .string(model.rawValue)
        body["resolution"] = .string(resolution)
        body["result_type"] = .string(resultType)
        switch count {
        case .fixed(let n) where resultType == "single": body["n"] = .int(Int64(n))
        case .fixed(let amount): body["series_amount"] = .int(Int64(amount))
        case .auto: body["series_amount"] = .string("auto")
        }
        if aspectRatio == nil, !textOnlyV3 { body["aspect_ratio"] = .string("auto") }

        return ImageRequest(
            body: body, model: model.rawValue, resolution: resolution, resultType: resultType,
            count: count, externalTaskID: externalTaskID, callbackURL: callbackURL
        )
    }

    /// `n`: an integer 1 to 9, default 1.
    private static func singleCount(_ fields: FieldReader) throws(KlingError) -> Int {
        guard let n = try fields.integer("n") else { return 1 }
        guard counts.contains(Int(clamping: n)) else {
            throw fields.invalid("n", "must be \(counts.lowerBound) to \(counts.upperBound), got \(n)")
        }
        return Int(n)
    }

    /// `series_amount`: an integer 2 to 9 or "auto", default 4.
    private static func seriesAmount(_ fields: FieldReader) throws(KlingError) -> ImageCount {
        let rule = "must be an integer \(seriesAmounts.lowerBound) to \(seriesAmounts.upperBound) or \"auto\""
        switch fields.value("series_amount") {
        case nil:
            return .fixed(defaultSeriesAmount)
        case .string("auto"):
            return .auto(max: ImageCount.seriesMax)
        case .int(let amount) where seriesAmounts.contains(Int(clamping: amount)):
            return .fixed(Int(amount))
        case .int(let amount):
            throw fields.invalid("series_amount", "\(rule), got \(amount)")
        case .some(let value):
            throw fields.invalid("series_amount", "\(rule), got \(FieldReader.shown(value))")
        }
    }
}
