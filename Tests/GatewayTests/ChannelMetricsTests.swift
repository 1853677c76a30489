import Accounting
import Foundation
@testable import Gateway
import Simulator
import Testing

/// `/metrics` per channel (docs/channels.md): requests, failures by kind, circuit state, latency, each with HELP.
@Suite struct ChannelMetricsTests {
    @Test func metricsShowEachChannelsRequestsFailuresCircuitAndLatency() async throws {
        GatewayMetrics.bootstrap()
        var limited = ChannelFailoverTests.quick
        limited.faults.submitRateLimitRate = 1
        let harness = try await ChannelHarness.make([limited, ChannelFailoverTests.quick])
        let first = try await harness.channel("metered 429", to: 0, priority: 1)
        let second = try await harness.channel("metered ok", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            _ = try await harness.submit(client, tenant.secret)
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            let lines = text.split(separator: "\n").map(String.init)
            func has(_ family: String, _ parts: [String]) -> Bool {
                lines.contains { $0.hasPrefix(family + "{") && parts.allSatisfy($0.contains) }
            }
            #expect(has("omnimeter_channel_requests_total", [#"channel="\#(first.id)""#, #"outcome="refused""#]))
            #expect(has("omnimeter_channel_requests_total", [#"channel="\#(second.id)""#, #"outcome="accepted""#]))
            #expect(has("omnimeter_channel_failures_total", [#"channel="\#(first.id)""#, #"kind="rate_limited""#]))
            #expect(has("omnimeter_channel_circuit_state", [#"channel="\#(first.id)""#]))
            #expect(has("omnimeter_channel_request_duration_seconds_count", [#"channel="\#(second.id)""#]))
            for family in ["omnimeter_channel_requests_total", "omnimeter_channel_failures_total", "omnimeter_channel_circuit_state",
                           "omnimeter_channel_request_duration_seconds"] {
                #expect(lines.contains { $0.hasPrefix("# HELP \(family) ") }, "\(family) has no HELP line")
            }
        }
        await harness.stop()
    }
}
