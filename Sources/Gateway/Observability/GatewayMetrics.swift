import Accounting
import Metrics

/// omnimeter's metrics, rendered in Prometheus text by `GET /metrics`.
///
/// Counters and histograms go through swift-metrics, whose backend `bootstrap()` points at `registry`
/// (GatewayMetrics+Registry.swift). Gauges read from PostgreSQL at scrape time (`DatabaseGauges`) are set
/// on the same registry directly.
/// Label values come from small fixed sets (route patterns, outcomes, states), never from a request,
/// so the number of series stays bounded.
public enum GatewayMetrics {
    enum Name {
        static let httpRequests = "omnimeter_http_requests_total"
        static let httpDuration = "omnimeter_http_request_duration_seconds"
        static let upstreamRequests = "omnimeter_upstream_requests_total"
        static let upstreamErrors = "omnimeter_upstream_errors_total"
        static let upstreamDuration = "omnimeter_upstream_request_duration_seconds"
        static let settlements = "omnimeter_settlements_total"
    }

    // MARK: HTTP

    /// One answered request. `route` is the matched route pattern (`/kling/v1/videos/omni-video/{id}`), never the raw path.
    static func request(route: String, method: String, status: Int, nanoseconds: Int64) {
        Counter(label: Name.httpRequests, dimensions: [("route", route), ("method", method), ("status", String(status))]).increment()
        Timer(label: Name.httpDuration, dimensions: [("route", route), ("method", method)]).recordNanoseconds(nanoseconds)
    }

    // MARK: upstream

    /// Times one upstream create and counts it by outcome: accepted, refused, or not_sent or uncertain (errors).
    static func upstreamCreate(_ call: () async -> UpstreamClient.CreateOutcome) async -> UpstreamClient.CreateOutcome {
        let started = ContinuousClock.now
        let outcome = await call()
        let name = switch outcome {
        case .accepted: "accepted"
        case .refused: "refused"
        case .notSent: "not_sent"
        case .uncertain: "uncertain"
        }
        upstream("create", outcome: name, isError: name == "uncertain" || name == "not_sent", since: started)
        return outcome
    }

    /// Times one upstream query and counts it by outcome: found, not_found, or unavailable (an error).
    static func upstreamQuery(_ call: () async -> UpstreamClient.QueryOutcome) async -> UpstreamClient.QueryOutcome {
        let started = ContinuousClock.now
        let outcome = await call()
        let name = switch outcome {
        case .found: "found"
        case .notFound: "not_found"
        case .unavailable: "unavailable"
        }
        upstream("query", outcome: name, isError: name == "unavailable", since: started)
        return outcome
    }

    private static func upstream(_ operation: String, outcome: String, isError: Bool, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        Counter(label: Name.upstreamRequests, dimensions: [("operation", operation), ("outcome", outcome)]).increment()
        if isError { Counter(label: Name.upstreamErrors, dimensions: [("operation", operation)]).increment() }
        Timer(label: Name.upstreamDuration, dimensions: [("operation", operation)]).recordNanoseconds(elapsed.nanoseconds)
    }

    // MARK: settlement

    /// Counts a settlement attempt by the task's end state and what it did: `settled`, `late_charged`,
    /// or `already_ended` (a second attempt, a no-op: another instance or a callback got there first).
    @discardableResult
    static func settled(_ result: SettlementResult) -> SettlementResult {
        let (task, kind): (TaskRecord, String) = switch result {
        case .settled(let task): (task, "settled")
        case .lateCharged(let task): (task, "late_charged")
        case .alreadyEnded(let task): (task, "already_ended")
        }
        Counter(label: Name.settlements, dimensions: [("state", task.state.rawValue), ("result", kind)]).increment()
        return result
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
