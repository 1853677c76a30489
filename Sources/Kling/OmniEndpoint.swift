import Foundation

/// The two task endpoints of the Omni API. `rawValue` is the name stored with a task and shown in
/// reports; `path` is what follows `/v1/` upstream (and `/kling/v1/` on the tenant API).
public enum OmniEndpoint: String, Sendable, CaseIterable, Codable {
    case video = "omni-video"
    case image = "omni-image"

    public var path: String {
        switch self {
        case .video: "videos/omni-video"
        case .image: "images/omni-image"
        }
    }

    /// Validates a create body for this endpoint (1200/1201).
    public func parse(_ body: Data) throws(KlingError) -> any OmniCreateRequest {
        switch self {
        case .video: try VideoRequest.parse(body)
        case .image: try ImageRequest.parse(body)
        }
    }
}
