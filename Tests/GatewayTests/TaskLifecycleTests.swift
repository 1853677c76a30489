import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Simulator
import Testing

@Suite struct TaskLifecycleTests {
    static let o1Pro5s = #"{"prompt":"a fox in the snow","aspect_ratio":"16:9"}"#

    @Test func aVideoGoesFromSubmitToChargeToTheMicro() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            #expect(created.status == 200)
            #expect(created.code == 0)
            #expect(created.data?["task_status"]?.stringValue == "submitted")
            #expect(created.billing("reserved_micros") == 560_000)
            #expect(created.data?["billing"]?["state"]?.stringValue == "reserved")
            let taskID = try #require(created.taskID)

            try await harness.settleAll(tenantID: tenant.tenantID)

            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(done.data?["task_status"]?.stringValue == "succeed")
            #expect(done.billing("charged_micros") == 560_000)
            #expect(done.billing("released_micros") == 0)
            #expect(done.data?["billing"]?["state"]?.stringValue == "charged")
            #expect(done.data?["task_result"]?["videos"]?.arrayValue?.count == 1)
            #expect(done.data?["final_unit_deduction"]?.stringValue == "4")
            #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID) == ["reserve": 560_000, "charge": 560_000])
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 560_000, reserved: 0))
        #expect(try await Database.ledgerBalance(harness.pool, tenant.tenantID) == Database.balance(harness.pool, tenant.tenantID))
        // the upstream got our id as its external_task_id, and the tenant never sees the upstream's id
        let upstreamTasks = await harness.simulator.tasks()
        #expect(upstreamTasks.count == 1)
        await harness.stop()
    }

    @Test func anEditIsChargedOnItsInputRoundedHalfUp() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let body = #"{"prompt":"make it snow","video_list":[{"video_url":"https://example.com/in.mp4?duration=7.5","refer_type":"base"}]}"#
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: body)
            #expect(created.billing("reserved_micros") == 1_680_000)
            let taskID = try #require(created.taskID)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(done.billing("charged_micros") == 1_344_000)
            #expect(done.billing("released_micros") == 336_000)
        }
        await harness.stop()
    }

    @Test func anImageSeriesWithAutoIsChargedForTheImagesProduced() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let series = #"{"model_name":"kling-v3-omni","prompt":"a product shot [sim:series=5]","result_type":"series","series_amount":"auto","resolution":"4k","aspect_ratio":"1:1"}"#
        let nine = #"{"model_name":"kling-v3-omni","prompt":"a product shot","result_type":"series","series_amount":9,"resolution":"4k","aspect_ratio":"1:1"}"#
        try await harness.withClient { client in
            let auto = try await client.call(.post, "/kling/v1/images/omni-image", key: tenant.secret, body: series)
            #expect(auto.billing("reserved_micros") == 504_000)
            let fixed = try await client.call(.post, "/kling/v1/images/omni-image", key: tenant.secret, body: nine)
            #expect(fixed.billing("reserved_micros") == 504_000)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let autoDone = try await client.call(.get, "/kling/v1/images/omni-image/\(try #require(auto.taskID))", key: tenant.secret)
            #expect(autoDone.billing("charged_micros") == Int64(5 * 56_000))
            #expect(autoDone.billing("released_micros") == Int64(504_000 - 5 * 56_000))
            let fixedDone = try await client.call(.get, "/kling/v1/images/omni-image/\(try #require(fixed.taskID))", key: tenant.secret)
            #expect(fixedDone.billing("charged_micros") == 504_000)
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 784_000, reserved: 0))
        await harness.stop()
    }

    @Test func aFailedTaskIsRefundedInFull() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 1_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret,
                                                body: #"{"prompt":"this one fails [sim:fail]","aspect_ratio":"16:9"}"#)
            let taskID = try #require(created.taskID)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(done.data?["task_status"]?.stringValue == "failed")
            #expect(done.billing("charged_micros") == 0)
            #expect(done.billing("released_micros") == 560_000)
            #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID) == ["reserve": 560_000, "release": 560_000])
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 1_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func aRefusedSubmissionIsReleasedAndAnsweredWithTheUpstreamCode() async throws {
        var config = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150))
        config.faults.submitRefusalRate = 1
        let harness = try await Harness.make(simulator: config)
        let tenant = try await Database.tenant(harness.pool, credits: 1_000_000)
        try await harness.withClient { client in
            let refused = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            #expect(refused.status == 400)
            #expect(refused.code == 1301)
        }
        let row = try #require(try await harness.pool.queryFirst("SELECT id, state FROM tasks WHERE tenant_id = \(tenant.tenantID)"))
        #expect(try row.decode(String.self, "state") == "rejected")
        #expect(try await Database.ledgerKinds(harness.pool, taskID: try row.decode(UUID.self, "id").uuidString) == ["reserve": 560_000, "release": 560_000])
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 1_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func aSubmissionWhoseAnswerIsLostIsFoundAgainAndSettledOnce() async throws {
        var config = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150))
        config.faults.lostAnswerRate = 1
        let harness = try await Harness.make(simulator: config)
        let tenant = try await Database.tenant(harness.pool, credits: 1_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            #expect(created.status == 200, "the task exists upstream: it is found by our id, not guessed")
            let taskID = try #require(created.taskID)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(done.billing("charged_micros") == 560_000)
            #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID) == ["reserve": 560_000, "charge": 560_000])
        }
        let counts = await harness.simulator.counts()
        #expect(counts.createCalls == 1, "never sent twice")
        #expect(await harness.simulator.tasks().count == 1)
        await harness.stop()
    }

    @Test func aFailedSubmissionIsRetriedByThePollerOnceTheUpstreamRecovers() async throws {
        var config = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150))
        config.faults.submitErrorRate = 1
        let harness = try await Harness.make(simulator: config)
        let tenant = try await Database.tenant(harness.pool, credits: 1_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            #expect(created.status == 200)
            #expect(created.data?["billing"]?["state"]?.stringValue == "reserved")
            await harness.simulator.setFaults(SimulatorFaults())
            try await harness.settleAll(tenantID: tenant.tenantID, seconds: 30)
            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(try #require(created.taskID))", key: tenant.secret)
            #expect(done.data?["task_status"]?.stringValue == "succeed")
            #expect(done.billing("charged_micros") == 560_000)
        }
        #expect(await harness.simulator.tasks().count == 1)
        await harness.stop()
    }

    @Test func twoHundredConcurrentSubmitsAgainstABalanceForExactly37() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 37 * 560_000 + 100)
        try await harness.withClient { client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s) }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == 200 }.count == 37)
            let refused = replies.filter { $0.status != 200 }
            #expect(refused.count == 163)
            #expect(refused.allSatisfy { $0.status == 429 && $0.code == 1102 })
            #expect(refused.first?.json["message"]?.stringValue?.contains("balance") == true)
        }
        let balance = try await Database.balance(harness.pool, tenant.tenantID)
        #expect(balance.reserved == 37 * 560_000)
        #expect(balance.credits - balance.charged - balance.reserved >= 0)
        try await harness.settleAll(tenantID: tenant.tenantID, seconds: 60)
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 37 * 560_000 + 100, charged: 37 * 560_000, reserved: 0))
        #expect(await harness.simulator.tasks().count == 37)
        await harness.stop()
    }

    @Test func twoInstancesOverOneDatabaseSettleEveryTaskExactlyOnce() async throws {
        let first = try await Harness.make(instanceID: "instance-a")
        let tenant = try await Database.tenant(first.pool, credits: 100_000_000)
        let collected = IDs()
        try await first.withClient { client in
            for _ in 0..<20 {
                let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
                await collected.add(try #require(created.taskID))
            }
        }
        let taskIDs = await collected.values
        #expect(taskIDs.count == 20)
        // a second instance with its own poller, on the same database and upstream
        let secondGateway = Gateway(config: try GatewayConfig.fromEnvironment([
            "OMNIMETER_DATABASE_URL": first.pool.url,
            "OMNIMETER_UPSTREAM_URL": first.gateway.config.upstreamURL!.absoluteString,
            "OMNIMETER_UPSTREAM_KEY": "operator-key", "OMNIMETER_POLL_INTERVAL_MS": "50", "OMNIMETER_INSTANCE_ID": "instance-b",
        ]), pool: first.pool, logger: first.gateway.logger)
        let secondPoller = try #require(secondGateway.makePoller())
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            async let a = first.poller.pollOnce()
            async let b = secondPoller.pollOnce()
            _ = await (a, b)
            let open = try await first.pool.queryFirst("SELECT count(*) AS n FROM tasks WHERE tenant_id = \(tenant.tenantID) AND state IN ('reserved','submitted','processing')")?.decode(Int64.self, "n")
            if open == 0 { break }
            try await Task.sleep(for: .milliseconds(30))
        }
        for taskID in taskIDs {
            #expect(try await Database.ledgerKinds(first.pool, taskID: taskID) == ["reserve": 560_000, "charge": 560_000])
        }
        #expect(try await Database.balance(first.pool, tenant.tenantID) == .init(credits: 100_000_000, charged: 20 * 560_000, reserved: 0))
        await first.stop()
    }

    @Test func anUnfinishedTaskExpiresAndALateSuccessIsChargedExplicitly() async throws {
        let harness = try await Harness.make(simulator: SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .seconds(3)),
                                             environment: ["OMNIMETER_TASK_TIMEOUT_S": "1"])
        let tenant = try await Database.tenant(harness.pool, credits: 1_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            let taskID = try #require(created.taskID)
            try await harness.settleAll(tenantID: tenant.tenantID)
            let expired = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(expired.data?["task_status"]?.stringValue == "failed")
            #expect(expired.billing("released_micros") == 560_000)
            #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 1_000_000, charged: 0, reserved: 0))

            // the upstream finishes later and calls back: charged once, explicitly
            try await Task.sleep(for: .seconds(3))
            for _ in 0..<2 {
                let callback = try await client.call(.post, "/v1/upstream-callbacks/\(taskID)", key: nil, body: #"{"task_status":"succeed"}"#)
                #expect(callback.status == 200)
            }
            #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID) == ["reserve": 560_000, "release": 560_000, "late_charge": 560_000])
            let late = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(late.data?["task_status"]?.stringValue == "succeed")
            #expect(late.billing("charged_micros") == 560_000)
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 1_000_000, charged: 560_000, reserved: 0))
        await harness.stop()
    }
}

actor IDs {
    private(set) var values: [String] = []
    func add(_ id: String) { values.append(id) }
}
