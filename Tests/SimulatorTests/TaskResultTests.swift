import Foundation
import Kling
import Simulator
import Testing

@Suite struct TaskResultTests {
    @Test func anEditLastsAsLongAsTheInputNamedInItsURL() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let url = "https://x/in.mp4?duration=7.5"
            let created = try await sim.create(.video, Bodies.edit(videoURL: url))
            let answer = try await sim.query(.video, try #require(created.data["task_id"]?.stringValue))
            #expect(answer.data["task_result"]?["videos"]?.arrayValue?.first?["duration"] == "7.5")
            let parent = answer.data["task_info"]?["parent_video"]
            #expect(parent?["duration"] == "7.5")
            #expect(parent?["url"] == .string(url))
            #expect(parent?["id"]?.stringValue != nil)
            // 8 s (7.5 rounded half up) × 0.8 units/s × 1.5 for the video input.
            #expect(answer.data["final_unit_deduction"] == "9.6")
        }
    }

    @Test func anEditWithoutADurationInItsURLLastsTheConfiguredDefault() async throws {
        var config = SimulatorConfig.instant
        config.defaultEditInputSeconds = "6.2"
        try await SimulatorHarness.with(config) { sim in
            let created = try await sim.create(.video, Bodies.edit(videoURL: "https://x/in.mp4"))
            let answer = try await sim.query(.video, try #require(created.data["task_id"]?.stringValue))
            #expect(answer.data["task_result"]?["videos"]?.arrayValue?.first?["duration"] == "6.2")
            #expect(answer.data["task_info"]?["parent_video"]?["duration"] == "6.2")
            #expect(answer.data["final_unit_deduction"] == "7.2")
        }
    }

    @Test func aV3VideoWithSoundIsChargedItsListPrice() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let body: JSONValue = ["model_name": "kling-v3-omni", "prompt": "x", "mode": "pro", "sound": "on", "aspect_ratio": "1:1", "duration": "10"]
            let created = try await sim.create(.video, body)
            let answer = try await sim.query(.video, try #require(created.data["task_id"]?.stringValue))
            #expect(answer.data["task_result"]?["videos"]?.arrayValue?.first?["duration"] == "10.041")
            #expect(answer.data["final_unit_deduction"] == "10")
        }
    }

    @Test func aSingleImageTaskMakesNImages() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.image, Bodies.image(n: 3))
            let answer = try await sim.query(.image, try #require(created.data["task_id"]?.stringValue))
            let result = try #require(answer.data["task_result"])
            #expect(result["result_type"] == "single")
            let images = try #require(result["images"]?.arrayValue)
            #expect(images.map { $0["index"] } == [0, 1, 2])
            #expect(images.allSatisfy { $0["url"]?.stringValue != nil && $0["watermark_url"]?.stringValue != nil })
            #expect(answer.data["final_unit_deduction"] == "24")
        }
    }

    @Test func aSeriesMakesItsSeriesAmount() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.image, Bodies.series(amount: 5))
            let answer = try await sim.query(.image, try #require(created.data["task_id"]?.stringValue))
            #expect(answer.data["task_result"]?["result_type"] == "series")
            #expect(answer.data["task_result"]?["images"]?.arrayValue?.count == 5)
            #expect(answer.data["final_unit_deduction"] == "40")
        }
    }

    @Test func anAutoSeriesMakesTheConfiguredCountOrWhatThePromptSays() async throws {
        var config = SimulatorConfig.instant
        config.autoSeriesCount = 6
        try await SimulatorHarness.with(config) { sim in
            let byConfig = try await sim.create(.image, Bodies.series(amount: "auto"))
            let configured = try await sim.query(.image, try #require(byConfig.data["task_id"]?.stringValue))
            #expect(configured.data["task_result"]?["images"]?.arrayValue?.count == 6)
            #expect(configured.data["final_unit_deduction"] == "48")

            let byPrompt = try await sim.create(.image, Bodies.series(prompt: "three panels [sim:series=3]", amount: "auto"))
            let prompted = try await sim.query(.image, try #require(byPrompt.data["task_id"]?.stringValue))
            #expect(prompted.data["task_result"]?["images"]?.arrayValue?.count == 3)
            #expect(prompted.data["final_unit_deduction"] == "24")
        }
    }

    @Test func theUpstreamTaskParserReadsWhatTheSimulatorReports() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.video, Bodies.edit(videoURL: "https://x/in.mp4?duration=7.5"))
            let answer = try await sim.query(.video, try #require(created.data["task_id"]?.stringValue))
            let task = try UpstreamTask.parse(answer.json.encodedData())
            #expect(task.status == .succeed)
            #expect(task.parentVideoDuration == "7.5")
            #expect(task.videos.first?.duration == "7.5")
            #expect(task.finalUnitDeduction == "9.6")
        }
    }
}
