import Accounting
import Foundation
import Gateway
import Simulator
import Testing

/// The circuit breaker through real submissions: 5 consecutive failed submissions open a channel's
/// circuit, it is skipped for 30 s, then one submission probes it and a success closes it.
@Suite struct ChannelCircuitTests {
    @Test func fiveFailuresOpenTheCircuitAndASuccessfulProbeClosesIt() async throws {
        var failing = ChannelFailoverTests.quick
        failing.faults.submitErrorRate = 1
        let harness = try await ChannelHarness.make([failing, ChannelFailoverTests.quick])
        let first = try await harness.channel("flaky", to: 0, priority: 1)
        let second = try await harness.channel("steady", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 100_000_000)
        try await harness.withClient { client in
            for _ in 1...5 {
                let created = try await harness.submit(client, tenant.secret)
                #expect(try await harness.task(of: created).channelID == second.id)
            }
            #expect(await harness.simulators[0].counts().createCalls == 5)
            #expect(await harness.gateway.channels.router.state(first.id) == .open)

            // open: the first channel is skipped
            let skipped = try await harness.submit(client, tenant.secret)
            #expect(try await harness.task(of: skipped).channelID == second.id)
            #expect(await harness.simulators[0].counts().createCalls == 5)

            // 30 s later it is half-open; healed, the probe succeeds and the circuit closes
            harness.clock.advance(.seconds(30))
            #expect(await harness.gateway.channels.router.state(first.id) == .halfOpen)
            await harness.simulators[0].setFaults(.none)
            let probe = try await harness.submit(client, tenant.secret)
            #expect(try await harness.task(of: probe).channelID == first.id)
            #expect(await harness.gateway.channels.router.state(first.id) == .closed)
            #expect(await harness.simulators[0].counts().createCalls == 6)
        }
        #expect(await harness.upstreamTaskCounts() == [1, 6])
        await harness.stop()
    }

    @Test func aFailedProbeOpensTheCircuitForAnother30Seconds() async throws {
        var failing = ChannelFailoverTests.quick
        failing.faults.submitErrorRate = 1
        let harness = try await ChannelHarness.make([failing, ChannelFailoverTests.quick])
        let first = try await harness.channel("flaky", to: 0, priority: 1)
        try await harness.channel("steady", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 100_000_000)
        try await harness.withClient { client in
            for _ in 1...5 { _ = try await harness.submit(client, tenant.secret) }
            harness.clock.advance(.seconds(30))
            _ = try await harness.submit(client, tenant.secret) // the probe, failing
            #expect(await harness.simulators[0].counts().createCalls == 6)
            #expect(await harness.gateway.channels.router.state(first.id) == .open)
            harness.clock.advance(.seconds(29))
            _ = try await harness.submit(client, tenant.secret)
            #expect(await harness.simulators[0].counts().createCalls == 6)
        }
        await harness.stop()
    }
}
