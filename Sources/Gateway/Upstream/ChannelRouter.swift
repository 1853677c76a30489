/// The routing state of this process: each channel's circuit and the random source of the weighted
/// draw. Circuits are kept in memory, per instance (docs/channels.md).
public actor ChannelRouter {
    private var breakers: [String: CircuitBreaker] = [:]
    private var random: SplitMix64
    private let now: @Sendable () -> ContinuousClock.Instant

    /// `seed` and `now` are for tests: a replayable draw and a clock they move.
    public init(seed: UInt64? = nil, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        random = seed.map(SplitMix64.init(seed:)) ?? SplitMix64()
        self.now = now
    }

    /// Picks one of `candidates` (id, priority, weight), which already excludes channels tried for
    /// this task; a half-open channel picked is probed by this submission.
    public func choose(_ candidates: [(id: String, priority: Int, weight: Int)]) -> String? {
        let instant = now()
        let choices = candidates.map { candidate in
            let breaker = breakers[candidate.id, default: CircuitBreaker()]
            GatewayMetrics.channelCircuit(candidate.id, breaker.state(at: instant))
            return ChannelChoice.Candidate(id: candidate.id, priority: candidate.priority, weight: candidate.weight,
                                           admitted: breaker.admits(at: instant))
        }
        guard let chosen = ChannelChoice.pick(choices, using: &random) else { return nil }
        breakers[chosen.id, default: CircuitBreaker()].picked(at: instant)
        return chosen.id
    }

    public func succeeded(_ id: String) {
        breakers[id, default: CircuitBreaker()].succeeded()
        GatewayMetrics.channelCircuit(id, .closed)
    }

    public func failed(_ id: String) {
        let instant = now()
        breakers[id, default: CircuitBreaker()].failed(at: instant)
        GatewayMetrics.channelCircuit(id, breakers[id, default: CircuitBreaker()].state(at: instant))
    }

    public func state(_ id: String) -> CircuitBreaker.State {
        let state = breakers[id, default: CircuitBreaker()].state(at: now())
        GatewayMetrics.channelCircuit(id, state)
        return state
    }
}
