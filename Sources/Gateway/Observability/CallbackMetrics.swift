import Metrics

/// Counters of deliveries: `omnimeter_callback_deliveries_total{outcome="sent|failed|given_up"}` (every
/// delivery, callbacks and events), and `omnimeter_deliveries_total{kind="callback|event",outcome=…}`.
/// `failed` counts attempts that will be retried; `given_up` the deliveries abandoned (listed by
/// `GET /admin/v1/tenants/{id}/deliveries` and `GET /admin/v1/events`).
enum CallbackMetrics {
    static let name = "omnimeter_callback_deliveries_total"
    static let byKindName = "omnimeter_deliveries_total"

    static func sent(kind: String = "callback") { count("sent", kind) }
    static func failed(kind: String = "callback") { count("failed", kind) }
    static func gaveUp(kind: String = "callback") { count("given_up", kind) }

    private static func count(_ outcome: String, _ kind: String) {
        Counter(label: name, dimensions: [("outcome", outcome)]).increment()
        Counter(label: byKindName, dimensions: [("kind", kind), ("outcome", outcome)]).increment()
    }
}
