import Metrics

/// Per-channel upstream figures (docs/channels.md): requests by operation and outcome, failures by kind,
/// the circuit state, and latency. `channel` is a channel id: admins make them, so the set stays small.
extension GatewayMetrics {
    enum ChannelName {
        static let requests = "omnimeter_channel_requests_total"
        static let failures = "omnimeter_channel_failures_total"
        static let circuit = "omnimeter_channel_circuit_state"
        static let duration = "omnimeter_channel_request_duration_seconds"
    }

    /// One create on a channel. Failure kinds: not_sent, rate_limited, auth, uncertain.
    static func channelCreate(_ channel: String, _ outcome: UpstreamClient.CreateOutcome, since started: ContinuousClock.Instant) {
        let (name, failure): (String, String?) = switch outcome {
        case .accepted: ("accepted", nil)
        case .refused(let status, _, _) where status == 429: ("refused", "rate_limited")
        case .refused(let status, _, _) where status == 401 || status == 403: ("refused", "auth")
        case .refused: ("refused", nil)
        case .notSent: ("not_sent", "not_sent")
        case .uncertain: ("uncertain", "uncertain")
        }
        channelCall(channel, "create", name, failure, since: started)
    }

    /// One query on a channel. Failure kind: unavailable.
    static func channelQuery(_ channel: String, _ outcome: UpstreamClient.QueryOutcome, since started: ContinuousClock.Instant) {
        let name = switch outcome {
        case .found: "found"
        case .notFound: "not_found"
        case .unavailable: "unavailable"
        }
        channelCall(channel, "query", name, name == "unavailable" ? "unavailable" : nil, since: started)
    }

    /// The circuit state of a channel: 0 closed, 1 open, 2 half-open.
    static func channelCircuit(_ channel: String, _ state: CircuitBreaker.State) {
        let value = switch state {
        case .closed: 0
        case .open: 1
        case .halfOpen: 2
        }
        Gauge(label: ChannelName.circuit, dimensions: [("channel", channel)]).record(value)
    }

    private static func channelCall(_ channel: String, _ operation: String, _ outcome: String, _ failure: String?, since started: ContinuousClock.Instant) {
        Counter(label: ChannelName.requests, dimensions: [("channel", channel), ("operation", operation), ("outcome", outcome)]).increment()
        if let failure {
            Counter(label: ChannelName.failures, dimensions: [("channel", channel), ("operation", operation), ("kind", failure)]).increment()
        }
        Timer(label: ChannelName.duration, dimensions: [("channel", channel), ("operation", operation)])
            .recordNanoseconds((ContinuousClock.now - started).nanoseconds)
    }
}
