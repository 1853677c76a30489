import AsyncHTTPClient
import Foundation
import Kling
import Simulator
import Testing

@Suite struct FaultTests {
    @Test func aSubmitErrorAnswers500AndCreatesNothing() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(submitErrorRate: 1))) { sim in
            let answer = try await sim.create(.video, Bodies.video(externalTaskID: "e-1"))
            #expect(answer.status == 500)
            #expect(answer.code == 5000)
            #expect(await sim.simulator.tasks().isEmpty)
            #expect(await sim.simulator.counts().createCalls == 1)
        }
    }

    @Test func aSubmitRefusalAnswers1301AndCreatesNothing() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(submitRefusalRate: 1))) { sim in
            let answer = try await sim.create(.image, Bodies.image())
            #expect(answer.status == 400)
            #expect(answer.code == 1301)
            #expect(await sim.simulator.tasks().isEmpty)
            // A body that breaks a rule is still refused for that first.
            #expect(try await sim.create(.image, ["prompt": "x", "n": 40]).code == 1201)
        }
    }

    @Test func aLostAnswerLeavesATaskTheCallerCanFindByExternalTaskID() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(lostAnswerRate: 1))) { sim in
            let answer = try await sim.create(.video, Bodies.video(externalTaskID: "lost-1"))
            #expect(answer.status == 504)
            #expect(answer.code == 5002)
            #expect(answer.data == .null)
            let found = try await sim.query(.video, "lost-1")
            #expect(found.status == 200)
            #expect(found.data["task_info"]?["external_task_id"] == "lost-1")
            #expect(await sim.simulator.tasks().count == 1)
        }
    }

    @Test func aDroppedConnectionAlsoLeavesTheTaskBehind() async throws {
        let faults = SimulatorFaults(lostAnswerRate: 1, lostAnswerDropsConnection: true)
        try await SimulatorHarness.with(SimulatorConfig(faults: faults)) { sim in
            await #expect(throws: (any Error).self) {
                _ = try await sim.create(.video, Bodies.video(externalTaskID: "dropped-1"))
            }
            let found = try await sim.query(.video, "dropped-1")
            #expect(found.status == 200)
            #expect(found.data["task_info"]?["external_task_id"] == "dropped-1")
        }
    }

    @Test func aQueryErrorAnswers500OnQueriesAndLists() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            let created = try await sim.create(.video, Bodies.video())
            let taskID = try #require(created.data["task_id"]?.stringValue)
            await sim.simulator.setFaults(SimulatorFaults(queryErrorRate: 1))
            let query = try await sim.query(.video, taskID)
            #expect(query.status == 500)
            #expect(query.code == 5000)
            #expect(try await sim.list(.video, query: "").code == 5000)
        }
    }

    @Test func aQueryRateLimitAnswers429With1302() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(queryRateLimitRate: 1))) { sim in
            let created = try await sim.create(.image, Bodies.image())
            let query = try await sim.query(.image, try #require(created.data["task_id"]?.stringValue))
            #expect(query.status == 429)
            #expect(query.code == 1302)
            #expect(try await sim.list(.image, query: "").status == 429)
        }
    }

    @Test func aSubmitDelayHoldsTheAnswerBack() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(submitDelay: .milliseconds(400)))) { sim in
            let start = ContinuousClock.now
            let answer = try await sim.create(.video, Bodies.video())
            #expect(answer.status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(400))
        }
    }

    @Test func faultsChangeAtRunTime() async throws {
        try await SimulatorHarness.with { sim in
            let before = try await sim.create(.video, Bodies.video())
            await sim.simulator.setFaults(SimulatorFaults(submitErrorRate: 1))
            #expect(await sim.simulator.faults().submitErrorRate == 1)
            let during = try await sim.create(.video, Bodies.video())
            await sim.simulator.setFaults(.none)
            let after = try await sim.create(.video, Bodies.video())
            let statuses = [before.status, during.status, after.status]
            #expect(statuses == [200, 500, 200] as [Int])
            #expect(await sim.simulator.tasks().count == 2)
        }
    }

    @Test func theSameSeedGivesTheSameFaults() async throws {
        func outcomes(seed: UInt64) async throws -> [Int] {
            let config = SimulatorConfig(seed: seed, faults: SimulatorFaults(submitErrorRate: 0.5))
            return try await SimulatorHarness.with(config) { sim in
                var statuses: [Int] = []
                for _ in 0..<16 { statuses.append(try await sim.create(.video, Bodies.video()).status) }
                return statuses
            }
        }
        let first = try await outcomes(seed: 42)
        #expect(try await outcomes(seed: 42) == first)
        #expect(first.contains(200) && first.contains(500))
    }
}
