import Foundation

/// Fields that omni-video and omni-image read the same way.
extension FieldReader {
    static let maxPromptCharacters = 2500
    static let maxExternalTaskIDCharacters = 64

    /// `model_name`, or its alias `model`; both given must agree.
    func modelName(allowed: [String], defaultModel: String) throws(KlingError) -> String {
        let name = try string("model_name")
        let alias = try string("model")
        if let name, let alias, name != alias {
            throw invalid("model", "differs from model_name (\"\(Self.clipped(alias))\" vs \"\(Self.clipped(name))\")")
        }
        guard let model = name ?? alias else { return defaultModel }
        guard allowed.contains(model) else {
            throw invalid(name == nil ? "model" : "model_name",
                          "must be \(Self.listing(allowed)), got \"\(Self.clipped(model))\"")
        }
        return model
    }

    /// The prompt, at most 2500 characters (user-perceived, as the upstream counts).
    /// A required prompt must hold something besides white space.
    func prompt(required: Bool) throws(KlingError) -> String? {
        let text = try string("prompt")
        if let text, text.count > Self.maxPromptCharacters {
            throw invalid("prompt", "at most \(Self.maxPromptCharacters) characters, got \(text.count)")
        }
        if required, text?.contains(where: { !$0.isWhitespace }) != true {
            throw invalid("prompt", "required")
        }
        return text
    }

    /// The tenant's own task id: 1 to 64 characters.
    func externalTaskID() throws(KlingError) -> String? {
        guard let text = try string("external_task_id") else { return nil }
        guard (1...Self.maxExternalTaskIDCharacters).contains(text.count) else {
            throw invalid("external_task_id", "must be 1 to \(Self.maxExternalTaskIDCharacters) characters, got \(text.count)")
        }
        return text
    }

    /// The tenant's callback: an absolute http or https URL with a host.
    func callbackURL() throws(KlingError) -> String? {
        guard let text = try string("callback_url") else { return nil }
        guard let url = URL(string: text),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { throw invalid("callback_url", "must be an http or https URL, got \"\(Self.clipped(text))\"") }
        return text
    }

    /// `watermark_info: {"enabled": bool}`; other members pass through.
    func checkWatermarkInfo() throws(KlingError) {
        guard let members = try objectMember("watermark_info") else { return }
        _ = try FieldReader(members, path: fieldPath("watermark_info")).bool("enabled")
    }

    /// `element_list: [{"element_id": integer}]`; returns how many.
    func elementCount() throws(KlingError) -> Int {
        guard let items = try objectItems("element_list") else { return 0 }
        for item in items {
            guard try item.integer("element_id") != nil else { throw item.invalid("element_id", "required") }
        }
        return items.count
    }

    /// An image_list item's picture: `image_url` or `image` (CometAPI's name),
    /// a URL or Base64 string. Both given must agree.
    func imageSource() throws(KlingError) -> String {
        let url = try nonEmptyString("image_url")
        let image = try nonEmptyString("image")
        if let url, let image, url != image {
            throw invalid("image", "differs from image_url")
        }
        guard let source = url ?? image else { throw invalid("image_url", "required (or image)") }
        return source
    }
}
