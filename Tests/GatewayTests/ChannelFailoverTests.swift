import Accounting
import Foundation
import Gateway
import Simulator
import Testing

/// Routing and failover against real simulators on loopback and a real PostgreSQL (docs/channels.md,
/// "Routing and failover"): a channel that definitely did not make the task hands it to the next; an
/// unknown outcome is looked up on the same channel and never sent elsewhere.
@Suite struct ChannelFailoverTests {
    static let quick = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150))

    static func failing(_ faults: SimulatorFaults) -> SimulatorConfig {
        var config = quick
        config.faults = faults
        return config
    }

    /// The task ends on the second channel, charged, with exactly one upstream task in all.
    func expectOnSecond(_ harness: ChannelHarness, first: UpstreamChannel?, second: UpstreamChannel) async throws {
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 200, "\(created.json)")
            let taskID = try #require(created.taskID)
            let task = try await harness.task(taskID)
            #expect(task.channelID == second.id)
            #expect(task.state == .submitted)
            #expect(task.upstreamTaskID != nil)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await harness.task(taskID)
            #expect(done.state == .succeeded)
            #expect(done.chargedMicros == 560_000)
            #expect(done.channelID == second.id)
        }
        #expect(await harness.upstreamTaskCounts().reduce(0, +) == 1)
        #expect(await harness.simulators.last?.tasks().count == 1)
    }

    @Test func aChannelRefusingConnectionsHandsTheTaskToTheNext() async throws {
        let harness = try await ChannelHarness.make([Self.quick])
        let first = try await harness.channel("refusing", port: try await ChannelHarness.closedPort(), priority: 1)
        let second = try await harness.channel("healthy", to: 0, priority: 2)
        try await expectOnSecond(harness, first: first, second: second)
        await harness.stop()
    }

    @Test func aChannelAnswering5xxBeforeCreatingHandsTheTaskToTheNext() async throws {
        let harness = try await ChannelHarness.make([Self.failing(SimulatorFaults(submitErrorRate: 1)), Self.quick])
        let first = try await harness.channel("5xx", to: 0, priority: 1)
        let second = try await harness.channel("healthy", to: 1, priority: 2)
        try await expectOnSecond(harness, first: first, second: second)
        // the 500 was looked up on the first channel (not found there) before the second was tried
        #expect(await harness.simulators[0].counts().createCalls == 1)
        #expect(await harness.simulators[0].counts().queryCalls >= 1)
        await harness.stop()
    }

    @Test func aRateLimitedChannelHandsTheTaskToTheNext() async throws {
        var limited = Self.quick
        limited.faults.submitRateLimitRate = 1
        let harness = try await ChannelHarness.make([limited, Self.quick])
        let first = try await harness.channel("429", to: 0, priority: 1)
        let second = try await harness.channel("healthy", to: 1, priority: 2)
        try await expectOnSecond(harness, first: first, second: second)
        #expect(await harness.simulators[0].counts().createCalls == 1)
        await harness.stop()
    }

    @Test func anAnswerLostAfterCreationIsFoundOnTheSameChannelAndNeverSentToTheNext() async throws {
        let harness = try await ChannelHarness.make([Self.failing(SimulatorFaults(lostAnswerRate: 1)), Self.quick])
        let first = try await harness.channel("loses answers", to: 0, priority: 1)
        try await harness.channel("healthy", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 200, "\(created.json)")
            let taskID = try #require(created.taskID)
            let task = try await harness.task(taskID)
            #expect(task.channelID == first.id)
            #expect(task.upstreamTaskID != nil)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await harness.task(taskID)
            #expect(done.state == .succeeded)
            #expect(done.chargedMicros == 560_000)
        }
        #expect(await harness.upstreamTaskCounts() == [1, 0])
        #expect(await harness.simulators[1].counts().createCalls == 0)
        #expect(await harness.simulators[1].counts().queryCalls == 0)
        await harness.stop()
    }

    @Test func anUnknownOutcomeThatCannotBeLookedUpStaysOnItsChannel() async throws {
        // the first channel loses the answer and then cannot be asked: the task waits for it
        let harness = try await ChannelHarness.make([Self.failing(SimulatorFaults(lostAnswerRate: 1, queryErrorRate: 1)), Self.quick])
        let first = try await harness.channel("loses answers", to: 0, priority: 1)
        try await harness.channel("healthy", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 200, "\(created.json)")
            let task = try await harness.task(of: created)
            #expect(task.state == .reserved)
            #expect(task.channelID == first.id)
            #expect(task.reservedMicros == 560_000)
            // once the first channel answers lookups again, the poller finds the task there
            await harness.simulators[0].setFaults(.none)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await harness.task(task.id.uuidString)
            #expect(done.state == .succeeded)
            #expect(done.channelID == first.id)
        }
        #expect(await harness.upstreamTaskCounts() == [1, 0])
        #expect(await harness.simulators[1].counts().createCalls == 0)
        await harness.stop()
    }

    @Test func aRefusalOfTheTaskItselfIsNotSentToAnotherChannel() async throws {
        let harness = try await ChannelHarness.make([Self.failing(SimulatorFaults(submitRefusalRate: 1)), Self.quick])
        try await harness.channel("refuses content", to: 0, priority: 1)
        try await harness.channel("healthy", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 400)
            #expect(created.code == 1301)
        }
        #expect(await harness.simulators[1].counts().createCalls == 0)
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func everyChannelRefusingConnectionsReleasesTheTask() async throws {
        let harness = try await ChannelHarness.make([])
        try await harness.channel("a", port: try await ChannelHarness.closedPort(), priority: 1)
        try await harness.channel("b", port: try await ChannelHarness.closedPort(), priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 502)
            #expect(created.code == 5000)
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func aModelNoChannelAllowsIsRefusedBeforeAnythingIsReserved() async throws {
        let harness = try await ChannelHarness.make([Self.quick])
        try await harness.channel("images only", to: 0, models: ["kling-image-o1"])
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 502)
            #expect(created.code == 5000)
        }
        #expect(try await harness.pool.queryFirst("SELECT count(*) AS n FROM tasks")?.decode(Int64.self, "n") == 0)
        #expect(await harness.simulators[0].counts().createCalls == 0)
        await harness.stop()
    }

    @Test func withNoChannelRowTasksGoToTheConfiguredUpstreamAsDefault() async throws {
        let harness = try await ChannelHarness.make([Self.quick], builtIn: true)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 200)
            let taskID = try #require(created.taskID)
            #expect(try await harness.task(taskID).channelID == "default")
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await harness.task(taskID)
            #expect(done.state == .succeeded)
            #expect(done.channelID == "default")
            let shown = try await client.call(.get, "/admin/v1/tasks/\(taskID)", key: ChannelHarness.adminToken)
            #expect(shown.json["channel_id"]?.stringValue == "default", "\(shown.json)")
        }
        await harness.stop()
    }

    @Test func aTaskIsPolledOnItsOwnChannelEvenAfterTheChannelIsDisabled() async throws {
        let harness = try await ChannelHarness.make([Self.quick, Self.quick])
        let first = try await harness.channel("first", to: 0, priority: 1)
        try await harness.channel("second", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            let taskID = try #require(created.taskID)
            #expect(try await harness.task(taskID).channelID == first.id)
            var changes = ChannelChanges()
            changes.enabled = .set(false)
            _ = try await ChannelStore(pool: harness.pool).update(first.id, changes, actor: "test")
            await harness.gateway.channels.invalidate()
            try await harness.settleAll(tenantID: tenant.tenantID)
            #expect(try await harness.task(taskID).state == .succeeded)
        }
        #expect(await harness.simulators[1].counts().queryCalls == 0)
        #expect(await harness.upstreamTaskCounts() == [1, 0])
        await harness.stop()
    }
}
