/// The two omni endpoints: each has its own create, query and list routes.
public enum SimulatedKind: String, Sendable, CaseIterable {
    case video
    case image

    /// The path after `/v1/` (and `/kling/v1/`).
    var path: String {
        switch self {
        case .video: return "videos/omni-video"
        case .image: return "images/omni-image"
        }
    }
}
