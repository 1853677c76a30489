import Metrics
import Prometheus

extension GatewayMetrics {
    /// What `/metrics` renders.
    public static let registry = PrometheusCollectorRegistry()

    /// Makes swift-metrics report into `registry`. swift-metrics accepts one bootstrap per process, so this
    /// runs its body at most once however often it is called; `omnimeter serve` calls it. Without it (tests),
    /// counters are no-ops and `/metrics` shows the database gauges alone.
    public static func bootstrap() {
        _ = bootstrapOnce
    }

    private static let bootstrapOnce: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests take milliseconds; upstream calls up to the 30 s create timeout.
        factory.durationHistogramBuckets[Name.httpDuration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        factory.durationHistogramBuckets[Name.upstreamDuration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        MetricsSystem.bootstrap(HelpTextMetricsFactory(prometheus: factory))
    }()
}
