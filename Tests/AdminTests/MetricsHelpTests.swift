import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

/// issue 10 defect 7: five families of `/metrics` had a `# TYPE` line and no `# HELP` line.
@Suite struct MetricsHelpTests {
    @Test func everyMetricsFamilyHasHelpText() async throws {
        GatewayMetrics.bootstrap()
        // every family counted through swift-metrics: requests (counter, histogram), upstream calls (three)
        _ = await GatewayMetrics.upstreamQuery { .notFound }
        _ = await GatewayMetrics.upstreamQuery { .unavailable("test") }
        let gateway = try await TestGateway()
        let text = try await gateway.run { client in
            _ = try await client.send(.get, "/healthz", token: nil)
            _ = try await client.send(.get, "/no/such/route", token: nil)
            return try await client.send(.get, "/metrics", token: nil).text
        }
        let lines = text.split(separator: "\n")
        let typed = Set(lines.filter { $0.hasPrefix("# TYPE ") }.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) })
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) })
        for family in ["omnimeter_http_requests_total", "omnimeter_http_request_duration_seconds", "omnimeter_upstream_requests_total",
                       "omnimeter_upstream_errors_total", "omnimeter_upstream_request_duration_seconds", "omnimeter_database_up"] {
            #expect(typed.contains(family), "\(family) not scraped")
        }
        for family in typed.sorted() {
            #expect(helped.contains(family), "\(family) has # TYPE but no # HELP")
        }
        // a family added later without a text still gets one
        #expect(GatewayMetrics.help(for: "omnimeter_some_later_family_total") == "omnimeter some later family total.")
        #expect(GatewayMetrics.help(for: GatewayMetrics.Name.settlements).contains("Settlement"))
    }
}
