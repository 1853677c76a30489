import Crypto
import Foundation
import Kling
import Simulator
import Testing

@Suite struct CallbackTests {
    static let keyBytes = Data("omnimeter-simulator-test-key".utf8)
    static let secret = "whsec_" + keyBytes.base64EncodedString()

    @Test func everyStatusChangeIsCalledBackInOrderWithAValidSignature() async throws {
        let receiver = CallbackReceiver()
        let url = try await receiver.start()
        let config = SimulatorConfig(processingAfter: .milliseconds(300), taskDuration: .milliseconds(700), webhookSecret: Self.secret)
        try await SimulatorHarness.with(config) { sim in
            let created = try await sim.create(.video, Bodies.video(externalTaskID: "cb-1", callbackURL: url))
            let taskID = try #require(created.data["task_id"]?.stringValue)
            let deliveries = await receiver.waitForAccepted(3)

            #expect(deliveries.map(\.taskStatus) == ["submitted", "processing", "succeed"])
            for delivery in deliveries {
                #expect(Self.isValidlySigned(delivery))
                let timestamp = try #require(delivery.timestamp.flatMap(Int.init))
                #expect(abs(Date().timeIntervalSince1970 - Double(timestamp)) < 60)
                let task = try UpstreamTask.parse(delivery.body)
                #expect(task.taskID == taskID)
                #expect(task.externalTaskID == "cb-1")
            }
            #expect(Set(deliveries.compactMap(\.webhookID)).count == 3)
            let final = try #require(deliveries.last?.json)
            #expect(final["final_unit_deduction"] == "4")
            #expect(final["task_result"]?["videos"]?.arrayValue?.count == 1)
            #expect(await receiver.deliveries.count == 3)
        }
        await receiver.stop()
    }

    @Test func aForcedFailureIsCalledBackAfterTheEarlierChanges() async throws {
        let receiver = CallbackReceiver()
        let url = try await receiver.start()
        var config = SimulatorConfig.steered
        config.webhookSecret = Self.secret
        try await SimulatorHarness.with(config) { sim in
            let created = try await sim.create(.image, ["prompt": "x", "callback_url": .string(url)])
            let taskID = try #require(created.data["task_id"]?.stringValue)
            #expect(await receiver.waitForAccepted(2).map(\.taskStatus) == ["submitted", "processing"])
            await sim.simulator.forceStatus(taskID: taskID, status: .failed, message: "policy")
            let deliveries = await receiver.waitForAccepted(3)
            #expect(deliveries.map(\.taskStatus) == ["submitted", "processing", "failed"])
            #expect(deliveries.last?.json["task_status_msg"] == "policy")
            #expect(deliveries.allSatisfy(Self.isValidlySigned))
        }
        await receiver.stop()
    }

    @Test func aRefusedCallbackIsRetriedUnderTheSameWebhookID() async throws {
        let receiver = CallbackReceiver(refuseFirst: 2)
        let url = try await receiver.start()
        var config = SimulatorConfig.instant
        config.webhookSecret = Self.secret
        try await SimulatorHarness.with(config) { sim in
            _ = try await sim.create(.video, Bodies.video(callbackURL: url))
            let accepted = await receiver.waitForAccepted(3)
            #expect(accepted.map(\.taskStatus) == ["submitted", "processing", "succeed"])
            let all = await receiver.deliveries
            #expect(all.count == 5)
            #expect(all.prefix(3).map(\.webhookID) == Array(repeating: all[0].webhookID, count: 3))
            #expect(all.allSatisfy(Self.isValidlySigned))
            #expect(await Self.eventually { await sim.simulator.counts().callbacksDelivered == 3 })
        }
        await receiver.stop()
    }

    @Test func aCallbackGivenUpDoesNotHoldBackTheNextOnes() async throws {
        let receiver = CallbackReceiver(refuseFirst: 1)
        let url = try await receiver.start()
        var config = SimulatorConfig.instant
        config.callbackAttempts = 1
        try await SimulatorHarness.with(config) { sim in
            _ = try await sim.create(.video, Bodies.video(externalTaskID: "given-up", callbackURL: url))
            #expect(await receiver.waitForAccepted(2).map(\.taskStatus) == ["processing", "succeed"])
            #expect(await Self.eventually { await sim.simulator.task(id: "given-up")?.callbacksSent == 3 })
            let counts = await sim.simulator.counts()
            #expect(counts.callbacksFailed == 1)
            #expect(counts.callbacksDelivered == 2)
        }
        await receiver.stop()
    }

    @Test func withoutASecretCallbacksAreUnsigned() async throws {
        let receiver = CallbackReceiver()
        let url = try await receiver.start()
        try await SimulatorHarness.with(.instant) { sim in
            _ = try await sim.create(.video, Bodies.video(callbackURL: url))
            let deliveries = await receiver.waitForAccepted(3)
            #expect(deliveries.count == 3)
            #expect(deliveries.allSatisfy { $0.signature == nil && $0.webhookID == nil })
        }
        await receiver.stop()
    }

    @Test func theSignerReproducesTheStandardWebhooksTestVector() {
        let signer = WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    /// Checked here independently of WebhookSigner: HMAC-SHA256 of "id.timestamp.body".
    static func isValidlySigned(_ delivery: CallbackReceiver.Delivery) -> Bool {
        guard let id = delivery.webhookID, let timestamp = delivery.timestamp, let signature = delivery.signature else { return false }
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(delivery.body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: keyBytes))
        return signature == "v1," + Data(mac).base64EncodedString()
    }

    static func eventually(timeout: Double = 5, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }
}
