/// The upstream's `task_status`. An unknown status is kept, to be retried
/// later, never taken for a failure.
public enum UpstreamTaskStatus: Sendable, Hashable {
    case submitted
    case processing
    case succeed
    case failed
    case other(String)

    public init(_ text: String) {
        switch text {
        case "submitted": self = .submitted
        case "processing": self = .processing
        case "succeed": self = .succeed
        case "failed": self = .failed
        default: self = .other(text)
        }
    }

    public var text: String {
        switch self {
        case .submitted: return "submitted"
        case .processing: return "processing"
        case .succeed: return "succeed"
        case .failed: return "failed"
        case .other(let text): return text
        }
    }

    /// succeed or failed: the task will not change again.
    public var isFinal: Bool { self == .succeed || self == .failed }
}
