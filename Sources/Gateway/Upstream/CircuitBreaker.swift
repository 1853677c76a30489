/// One channel's circuit (docs/channels.md): 5 consecutive failed submissions open it; open, the
/// channel is skipped for 30 s; then it is half-open and one submission probes it. The probe's
/// success closes the circuit, its failure opens it for another 30 s. A pure value: the instants
/// are passed in, so it is table-tested without waiting.
public struct CircuitBreaker: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case closed, open
        case halfOpen = "half_open"
    }

    public static let failureThreshold = 5
    public static let openFor: Duration = .seconds(30)

    public private(set) var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var probeStartedAt: ContinuousClock.Instant?

    public init() {}

    public func state(at now: ContinuousClock.Instant) -> State {
        guard let openedAt else { return .closed }
        return now - openedAt < Self.openFor ? .open : .halfOpen
    }

    /// Whether a submission may go to the channel now: closed, or half-open with no probe in flight
    /// (a probe whose answer never came, lost with its process, lapses after `openFor`).
    public func admits(at now: ContinuousClock.Instant) -> Bool {
        switch state(at: now) {
        case .closed: return true
        case .open: return false
        case .halfOpen:
            guard let probeStartedAt else { return true }
            return now - probeStartedAt >= Self.openFor
        }
    }

    /// The channel was picked: when half-open, this submission is its probe.
    public mutating func picked(at now: ContinuousClock.Instant) {
        if state(at: now) == .halfOpen { probeStartedAt = now }
    }

    /// The channel answered a submission definitely (made the task, or refused it for the task's own
    /// sake): the circuit closes.
    public mutating func succeeded() {
        consecutiveFailures = 0
        openedAt = nil
        probeStartedAt = nil
    }

    /// A failed submission (never sent, rate-limited, refused sign-in, or an unknown outcome and the
    /// lookup after it, which count once).
    public mutating func failed(at now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        if openedAt != nil {
            // a failed probe (or a failure of a submission picked before the circuit opened)
            if state(at: now) == .halfOpen || probeStartedAt != nil { openedAt = now }
            probeStartedAt = nil
        } else if consecutiveFailures >= Self.failureThreshold {
            openedAt = now
        }
    }
}
