import Foundation
import Kling
import NIOHTTP1
import Simulator
import Testing

@Suite struct AuthTests {
    @Test(arguments: [nil, "Basic dXNlcjpwYXNz", "Bearer ", "Bearer"])
    func aMissingBearerTokenIs1000(_ header: String?) async throws {
        try await SimulatorHarness.with { sim in
            for (method, path) in [(HTTPMethod.POST, "/kling/v1/videos/omni-video"), (.GET, "/v1/images/omni-image/1"), (.GET, "/v1/videos/omni-video")] {
                let answer = try await sim.send(method, path, body: method == .POST ? Bodies.video().encodedString() : nil,
                                                token: nil, authorization: header)
                #expect(answer.status == 401)
                #expect(answer.code == 1000)
            }
            #expect(await sim.simulator.tasks().isEmpty)
            #expect(await sim.simulator.counts().createCalls == 0)
        }
    }

    @Test func withAnAPIKeyOnlyThatTokenIsAccepted() async throws {
        try await SimulatorHarness.with(SimulatorConfig(apiKey: "the-key")) { sim in
            let wrong = try await sim.create(.video, Bodies.video(), token: "not-the-key")
            #expect(wrong.status == 401)
            #expect(wrong.code == 1002)
            #expect(try await sim.query(.video, "1", token: "not-the-key").code == 1002)
            let right = try await sim.create(.video, Bodies.video(), token: "the-key")
            #expect(right.status == 200)
        }
    }

    @Test func withoutAnAPIKeyEachTokenIsItsOwnAccount() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.video, Bodies.video(externalTaskID: "private"), token: "alice")
            let taskID = try #require(created.data["task_id"]?.stringValue)
            #expect(try await sim.query(.video, taskID, token: "alice").status == 200)
            #expect(try await sim.query(.video, taskID, token: "bob").status == 404)
            #expect(try await sim.query(.video, "private", token: "bob").status == 404)
        }
    }
}
