extension GatewayMetrics {
    /// The `# HELP` text of each family counted through swift-metrics. A family added without an entry
    /// still gets a line (its name in words), so that no family is ever shown without one.
    static let helpTexts: [String: String] = [
        Name.httpRequests: "HTTP requests answered, by route pattern, method and status.",
        Name.httpDuration: "Time from a request's arrival until its response body was written, by route pattern and method.",
        Name.upstreamRequests: "Calls to the upstream, by operation (create, query) and outcome.",
        Name.upstreamErrors: "Upstream calls whose outcome was not known (a timeout, a reset, a 5xx), by operation.",
        Name.upstreamDuration: "Time of one upstream call, by operation.",
        Name.settlements: "Settlement attempts, by the task's end state and result (settled, late_charged, already_ended).",
        CallbackMetrics.name: "Tenant callback deliveries, by outcome: sent, failed (will be retried), given_up (listed by /admin/v1/tenants/{id}/deliveries).",
        CallbackMetrics.byKindName: "Deliveries by kind (callback: a task's callback_url; event: events_url and operator webhook endpoints) and outcome: sent, failed (will be retried), given_up.",
        ChannelName.requests: "Calls to each upstream channel, by channel id, operation (create, query) and outcome.",
        ChannelName.failures: "Failed calls to each upstream channel, by channel id, operation and kind (not_sent, rate_limited, auth, uncertain, unavailable).",
        ChannelName.circuit: "Each upstream channel's circuit: 0 closed, 1 open (skipped for 30 s after 5 failed submissions), 2 half-open (one probe).",
        ChannelName.duration: "Time of one call to an upstream channel, by channel id and operation.",
    ]

    static func help(for label: String) -> String {
        if let text = helpTexts[label] { return text }
        let words = label.hasPrefix("omnimeter_") ? String(label.dropFirst("omnimeter_".count)) : label
        return "omnimeter " + words.replacingOccurrences(of: "_", with: " ") + "."
    }
}
