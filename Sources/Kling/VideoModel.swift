/// The omni-video models and the limits that differ between them.
enum VideoModel: String, CaseIterable {
    case klingVideoO1 = "kling-video-o1"
    case klingV3Omni = "kling-v3-omni"

    static let names = allCases.map(\.rawValue)

    /// The `duration` values the model accepts.
    var durations: ClosedRange<Int> {
        self == .klingVideoO1 ? 3...10 : 3...15
    }

    /// The longest input video the model accepts: an edit reserves this many seconds.
    var maxEditSeconds: Int {
        self == .klingVideoO1 ? 10 : 15
    }
}
