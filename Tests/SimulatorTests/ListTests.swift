import Foundation
import Kling
import Simulator
import Testing

@Suite struct ListTests {
    @Test func theListIsNewestFirstInPages() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            for index in 1...5 {
                _ = try await sim.create(.video, Bodies.video(externalTaskID: "p-\(index)"))
            }
            func page(_ number: Int) async throws -> [String] {
                let answer = try await sim.list(.video, query: "pageNum=\(number)&pageSize=2")
                #expect(answer.status == 200)
                #expect(answer.code == 0)
                return (answer.data.arrayValue ?? []).compactMap { $0["task_info"]?["external_task_id"]?.stringValue }
            }
            #expect(try await page(1) == ["p-5", "p-4"])
            #expect(try await page(2) == ["p-3", "p-2"])
            #expect(try await page(3) == ["p-1"])
            #expect(try await page(4) == [])
            let first = try await sim.list(.video, query: "")
            #expect(first.data.arrayValue?.first?["task_status"] == "succeed")
        }
    }

    @Test func theListShowsOnlyTheCallersTasksOfThatKind() async throws {
        try await SimulatorHarness.with(.instant) { sim in
            _ = try await sim.create(.video, Bodies.video(externalTaskID: "mine"))
            _ = try await sim.create(.video, Bodies.video(externalTaskID: "theirs"), token: "other")
            _ = try await sim.create(.image, Bodies.image(externalTaskID: "picture"))
            let videos = try await sim.list(.video, query: "pageSize=500")
            #expect(videos.data.arrayValue?.map { $0["task_info"]?["external_task_id"] } == ["mine"])
            let images = try await sim.list(.image, query: "pageNum=1")
            #expect(images.data.arrayValue?.map { $0["task_info"]?["external_task_id"] } == ["picture"])
        }
    }

    @Test(arguments: ["pageNum=0", "pageNum=1001", "pageSize=0", "pageSize=501", "pageNum=abc", "pageSize=2.5"])
    func aPageOutOfBoundsIsRefused(_ query: String) async throws {
        try await SimulatorHarness.with { sim in
            let answer = try await sim.list(.image, query: query)
            #expect(answer.status == 400)
            #expect(answer.code == 1201)
            let name = String(query.prefix { $0 != "=" })
            #expect(answer.message?.hasPrefix("\(name):") == true)
        }
    }
}
