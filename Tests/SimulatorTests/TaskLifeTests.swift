import Foundation
import Kling
import Simulator
import Testing

@Suite struct TaskLifeTests {
    @Test func aVideoTaskGoesSubmittedProcessingSucceedAndReportsItsResult() async throws {
        // a wide processing window (1 s to 5 s), so that a loaded machine's slow polls still see it
        let config = SimulatorConfig(processingAfter: .milliseconds(1000), taskDuration: .milliseconds(5000))
        try await SimulatorHarness.with(config) { sim in
            let created = try await sim.create(.video, Bodies.video(externalTaskID: "life-1"))
            #expect(created.status == 200)
            #expect(created.code == 0)
            #expect(created.message == "SUCCEED")
            #expect(UUID(uuidString: created.json["request_id"]?.stringValue ?? "") != nil)
            let taskID = try #require(created.data["task_id"]?.stringValue)
            #expect(!taskID.isEmpty && taskID.allSatisfy(\.isNumber))
            #expect(created.taskStatus == "submitted")
            #expect(created.data["task_info"]?["external_task_id"] == "life-1")
            let createdAt = try #require(created.data["created_at"]?.int64Value)
            #expect(created.data["updated_at"]?.int64Value == createdAt)

            var seen: [String] = [created.taskStatus ?? ""]
            var last = created
            let deadline = Date().addingTimeInterval(20)
            while last.taskStatus != "succeed", Date() < deadline {
                last = try await sim.query(.video, taskID)
                if let status = last.taskStatus, seen.last != status { seen.append(status) }
                try await Task.sleep(for: .milliseconds(40))
            }
            #expect(seen == ["submitted", "processing", "succeed"])

            let video = try #require(last.data["task_result"]?["videos"]?.arrayValue?.first)
            #expect(video["duration"] == "5.041")
            #expect(video["url"]?.stringValue?.hasSuffix(".mp4") == true)
            #expect(video["watermark_url"]?.stringValue != nil)
            #expect(video["id"]?.stringValue != nil)
            #expect(last.data["final_unit_deduction"] == "4")
            #expect(last.data["updated_at"]?.int64Value == createdAt + 5000)
            #expect(last.data["task_status_msg"] == "")
        }
    }

    @Test func aTaskIsFoundByItsExternalTaskIDUnderBothPrefixes() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.video, Bodies.video(externalTaskID: "mine-7"), prefix: "/v1")
            let taskID = try #require(created.data["task_id"]?.stringValue)
            for prefix in ["/kling/v1", "/v1"] {
                let byExternal = try await sim.query(.video, "mine-7", prefix: prefix)
                #expect(byExternal.status == 200)
                #expect(byExternal.data["task_id"]?.stringValue == taskID)
                #expect(byExternal.data["task_info"]?["external_task_id"] == "mine-7")
            }
            let unknown = try await sim.query(.video, "nobody")
            #expect(unknown.status == 404)
            #expect(unknown.code == 1203)
            // A video task is not an image task.
            #expect(try await sim.query(.image, taskID).status == 404)
        }
    }

    @Test func aSecondUseOfAnExternalTaskIDIsRefusedForTheSameAccountOnly() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            #expect(try await sim.create(.video, Bodies.video(externalTaskID: "dup")).status == 200)
            let again = try await sim.create(.video, Bodies.video(externalTaskID: "dup"))
            #expect(again.status == 400)
            #expect(again.code == 1201)
            #expect(again.message == "external_task_id already exists")
            let asImage = try await sim.create(.image, Bodies.image(externalTaskID: "dup"))
            #expect(asImage.code == 1201)
            let otherAccount = try await sim.create(.video, Bodies.video(externalTaskID: "dup"), token: "someone-else")
            #expect(otherAccount.status == 200)
            #expect(await sim.simulator.tasks().count == 2)
            #expect(await sim.simulator.counts().createCalls == 4)
        }
    }

    @Test func aPromptWithTheFailMarkerEndsFailed() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.video, Bodies.video(prompt: "a fox [sim:fail]"))
            let taskID = try #require(created.data["task_id"]?.stringValue)
            let answer = try await sim.query(.video, taskID)
            #expect(answer.taskStatus == "failed")
            #expect(answer.data["task_status_msg"]?.stringValue?.isEmpty == false)
            #expect(answer.data["task_result"] == nil)
            #expect(answer.data["final_unit_deduction"] == "0")
        }
    }

    @Test func aTaskFailureRateOfOneFailsEveryTask() async throws {
        var config = SimulatorConfig.instant
        config.faults.taskFailureRate = 1
        try await SimulatorHarness.with(config) { sim in
            for _ in 0..<3 {
                let created = try await sim.create(.image, Bodies.image())
                let answer = try await sim.query(.image, try #require(created.data["task_id"]?.stringValue))
                #expect(answer.taskStatus == "failed")
                #expect(answer.data["task_status_msg"] == "simulated failure: task_failure_rate")
            }
        }
    }

    @Test func forceStatusDecidesTheOutcome() async throws {
        try await SimulatorHarness.with(.steered) { sim in
            let first = try #require(try await sim.create(.video, Bodies.video(externalTaskID: "f-1")).data["task_id"]?.stringValue)
            let second = try #require(try await sim.create(.video, Bodies.video(externalTaskID: "f-2")).data["task_id"]?.stringValue)
            #expect(try await sim.query(.video, first).taskStatus == "processing")

            let forced = await sim.simulator.forceStatus(taskID: "f-1", status: .succeed)
            #expect(forced?.status == .succeed)
            let succeeded = try await sim.query(.video, first)
            #expect(succeeded.taskStatus == "succeed")
            #expect(succeeded.data["final_unit_deduction"] == "4")

            await sim.simulator.forceStatus(taskID: second, status: .failed, message: "upstream said no")
            let failed = try await sim.query(.video, second)
            #expect(failed.taskStatus == "failed")
            #expect(failed.data["task_status_msg"] == "upstream said no")
            #expect(await sim.simulator.forceStatus(taskID: "unknown", status: .failed) == nil)
        }
    }

    @Test func theSimulatorRecordsWhatItReceived() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let body = Bodies.video(externalTaskID: "seen-1")
            _ = try await sim.create(.video, body)
            let task = try #require(await sim.simulator.task(id: "seen-1"))
            #expect(task.kind == .video)
            #expect(task.externalTaskID == "seen-1")
            #expect(task.account == SimulatorHarness.token)
            #expect(task.body == body)
            #expect(task.status == .succeed)
            #expect(await sim.simulator.task(id: task.id)?.externalTaskID == "seen-1")
        }
    }

    @Test func theOldestTasksAreForgottenBeyondMaxTasks() async throws {
        var config = SimulatorConfig.instant
        config.maxTasks = 3
        try await SimulatorHarness.with(config) { sim in
            for index in 1...5 {
                let created = try await sim.create(.video, Bodies.video(externalTaskID: "m-\(index)"))
                #expect(created.status == 200)
            }
            #expect(await sim.simulator.tasks().map(\.externalTaskID) == ["m-3", "m-4", "m-5"])
            let forgotten = try await sim.query(.video, "m-1")
            #expect(forgotten.status == 404)
            // A forgotten external_task_id may be used again.
            let reused = try await sim.create(.video, Bodies.video(externalTaskID: "m-1"))
            #expect(reused.status == 200)
        }
    }
}
