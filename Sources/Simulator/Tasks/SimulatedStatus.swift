/// The upstream's `task_status`: submitted → processing → succeed | failed.
public enum SimulatedStatus: String, Sendable, CaseIterable {
    case submitted
    case processing
    case succeed
    case failed

    /// succeed or failed: the upstream reports no further change.
    public var isFinal: Bool { self == .succeed || self == .failed }
}
