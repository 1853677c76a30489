import Metrics

/// Counters of tenant callback deliveries: `omnimeter_callback_deliveries_total{outcome="sent|failed|given_up"}`.
/// `failed` counts attempts that will be retried; `given_up` the deliveries abandoned (listed by
/// `GET /admin/v1/tenants/{id}/deliveries`).
enum CallbackMetrics {
    static let name = "omnimeter_callback_deliveries_total"

    static func sent() { Counter(label: name, dimensions: [("outcome", "sent")]).increment() }
    static func failed() { Counter(label: name, dimensions: [("outcome", "failed")]).increment() }
    static func gaveUp() { Counter(label: name, dimensions: [("outcome", "given_up")]).increment() }
}
