import Foundation
import Kling
import Simulator
import Testing

/// The create faults a load script chooses per task (by prompt marker) or by rate (by flag).
@Suite struct CreateFaultMarkerTests {
    @Test func anErrorAfterCreateAnswers500ButTheTaskExists() async throws {
        try await SimulatorHarness.with(SimulatorConfig()) { sim in
            let answer = try await sim.create(.video, Bodies.video(prompt: "a fox [sim:error-after-create]", externalTaskID: "e500-1"))
            #expect(answer.status == 500)
            #expect(answer.code == 5000)
            #expect(try await sim.query(.video, "e500-1").status == 200)
            #expect(await sim.simulator.tasks().count == 1)
        }
    }

    @Test func theCreatedErrorRateDoesTheSameByRate() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(createdErrorRate: 1))) { sim in
            let answer = try await sim.create(.image, Bodies.image())
            #expect(answer.status == 500)
            #expect(await sim.simulator.tasks().count == 1)
        }
    }

    @Test func aLostAnswerMarkerAnswers504AndASlowAnswerMarkerStillSucceeds() async throws {
        try await SimulatorHarness.with(SimulatorConfig(faults: SimulatorFaults(slowAnswerDelay: .milliseconds(50)))) { sim in
            let lost = try await sim.create(.video, Bodies.video(prompt: "a fox [sim:lost-answer]", externalTaskID: "lost-m"))
            #expect(lost.status == 504)
            #expect(lost.code == 5002)
            let slow = try await sim.create(.video, Bodies.video(prompt: "a fox [sim:slow-answer]", externalTaskID: "slow-m"))
            #expect(slow.status == 200)
            #expect(slow.code == 0)
            #expect(await sim.simulator.tasks().count == 2)
        }
    }
}
