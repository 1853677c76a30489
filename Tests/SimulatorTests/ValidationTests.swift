import Foundation
import Kling
import Simulator
import Testing

/// The simulator refuses what the upstream refuses, with the parser's own code and message.
@Suite struct ValidationTests {
    static let videoBodies = [
        "{",
        "[]",
        #"{"mode":"pro","aspect_ratio":"16:9"}"#,
        #"{"prompt":"x","aspect_ratio":"16:9","duration":"7"}"#,
        #"{"prompt":"x","aspect_ratio":"16:9","mode":"4k"}"#,
        #"{"prompt":"x","aspect_ratio":"16:9","sound":"on"}"#,
        #"{"prompt":"x","duration":"5"}"#,
        #"{"prompt":"x","video_list":[{"video_url":"a"},{"video_url":"b"}]}"#,
        #"{"prompt":"x","aspect_ratio":"16:9","image_list":[{"image_url":"https://x/a.png","type":"end_frame"}]}"#,
        #"{"model_name":"kling-video-o2","prompt":"x","aspect_ratio":"16:9"}"#,
    ]

    static let imageBodies = [
        #"{"prompt":""}"#,
        #"{"prompt":"x","n":12}"#,
        #"{"prompt":"x","result_type":"series"}"#,
        #"{"prompt":"x","resolution":"4k"}"#,
        #"{"model_name":"kling-v3-omni","prompt":"x","aspect_ratio":"auto"}"#,
    ]

    @Test(arguments: videoBodies)
    func aVideoBodyIsRefusedAsTheParserRefusesIt(_ body: String) async throws {
        let expected = try #require(Self.videoError(body))
        try await SimulatorHarness.with { sim in
            let answer = try await sim.send(.POST, "/kling/v1/videos/omni-video", body: body)
            #expect(answer.status == 400)
            #expect(answer.code == Int64(expected.code))
            #expect(answer.message == expected.message)
            #expect(await sim.simulator.tasks().isEmpty)
        }
    }

    @Test(arguments: imageBodies)
    func anImageBodyIsRefusedAsTheParserRefusesIt(_ body: String) async throws {
        let expected = try #require(Self.imageError(body))
        try await SimulatorHarness.with { sim in
            let answer = try await sim.send(.POST, "/v1/images/omni-image", body: body)
            #expect(answer.status == 400)
            #expect(answer.code == Int64(expected.code))
            #expect(answer.message == expected.message)
            #expect(await sim.simulator.tasks().isEmpty)
        }
    }

    @Test func anEditOfAVideoLongerThanTheModelAcceptsIsRefused() async throws {
        try await SimulatorHarness.with { sim in
            let answer = try await sim.create(.video, Bodies.edit(videoURL: "https://x/long.mp4?duration=12"))
            #expect(answer.status == 400)
            #expect(answer.code == 1201)
            #expect(answer.message?.hasPrefix("video_list[0].video_url:") == true)
        }
    }

    static func videoError(_ body: String) -> KlingError? {
        do {
            _ = try VideoRequest.parse(Data(body.utf8))
            return nil
        } catch {
            return error
        }
    }

    static func imageError(_ body: String) -> KlingError? {
        do {
            _ = try ImageRequest.parse(Data(body.utf8))
            return nil
        } catch {
            return error
        }
    }
}
