import Accounting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Kling
import Simulator
import Testing

@Suite struct TenantAPITests {
    static let o1Pro5s = TaskLifecycleTests.o1Pro5s

    @Test func anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherBody() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "order-42"]
            let first = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s, headers: headers)
            let again = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s, headers: headers)
            #expect(first.status == 200)
            #expect(again.status == 200)
            #expect(again.json == first.json, "the same answer, byte for byte")
            let other = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret,
                                              body: #"{"prompt":"another","aspect_ratio":"16:9"}"#, headers: headers)
            #expect(other.status == 409)
            #expect(other.code == 1200)
        }
        #expect(await harness.simulator.tasks().count == 1)
        #expect(try await Database.balance(harness.pool, tenant.tenantID).reserved + Database.balance(harness.pool, tenant.tenantID).charged == 560_000)
        await harness.stop()
    }

    @Test func tasksAreFoundByIdOrExternalIdAndOnlyByTheirTenant() async throws {
        let harness = try await Harness.make()
        let owner = try await Database.tenant(harness.pool, credits: 10_000_000)
        let stranger = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: owner.secret,
                                                body: #"{"prompt":"x","aspect_ratio":"1:1","external_task_id":"order-7"}"#)
            let taskID = try #require(created.taskID)
            #expect(created.data?["task_info"]?["external_task_id"]?.stringValue == "order-7")
            let byID = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: owner.secret)
            let byExternal = try await client.call(.get, "/kling/v1/videos/omni-video/order-7", key: owner.secret)
            #expect(byID.taskID == taskID)
            #expect(byExternal.taskID == taskID)
            for path in ["/kling/v1/videos/omni-video/\(taskID)", "/kling/v1/videos/omni-video/order-7", "/kling/v1/images/omni-image/\(taskID)"] {
                let reply = try await client.call(.get, path, key: path.contains("images") ? owner.secret : stranger.secret)
                #expect(reply.status == 404)
                #expect(reply.code == 1203)
            }
            let duplicate = try await client.call(.post, "/kling/v1/videos/omni-video", key: owner.secret,
                                                  body: #"{"prompt":"y","aspect_ratio":"1:1","external_task_id":"order-7"}"#)
            #expect(duplicate.status == 400)
            #expect(duplicate.code == 1201)
            let list = try await client.call(.get, "/kling/v1/videos/omni-video?pageNum=1&pageSize=10", key: owner.secret)
            #expect(list.data?.arrayValue?.count == 1)
            let strangers = try await client.call(.get, "/kling/v1/videos/omni-video", key: stranger.secret)
            #expect(strangers.data?.arrayValue?.isEmpty == true)
            let badPage = try await client.call(.get, "/kling/v1/videos/omni-video?pageSize=501", key: owner.secret)
            #expect(badPage.status == 400)
            #expect(badPage.code == 1201)
        }
        #expect(try await Database.balance(harness.pool, owner.tenantID).reserved + Database.balance(harness.pool, owner.tenantID).charged == 560_000)
        await harness.stop()
    }

    @Test func badInputAndBadKeysTouchNoMoney() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let cases: [(String?, String, Int, Int64)] = [
                (nil, Self.o1Pro5s, 401, 1000),
                ("omk_not_a_real_key", Self.o1Pro5s, 401, 1002),
                (tenant.secret, #"{"prompt":"#, 400, 1200),
                (tenant.secret, #"[1,2]"#, 400, 1200),
                (tenant.secret, #"{"prompt":"x"}"#, 400, 1201),
                (tenant.secret, #"{"prompt":"x","aspect_ratio":"16:9","duration":"7"}"#, 400, 1201),
                (tenant.secret, #"{"prompt":"x","aspect_ratio":"16:9","mode":"4k"}"#, 400, 1201),
                (tenant.secret, #"{"prompt":"x","aspect_ratio":"16:9","callback_url":"http://127.0.0.1:9/hook"}"#, 400, 1201),
            ]
            for (key, body, status, code) in cases {
                let reply = try await client.call(.post, "/kling/v1/videos/omni-video", key: key, body: body)
                #expect(reply.status == status, "\(body)")
                #expect(reply.code == code, "\(body)")
                #expect(reply.json["request_id"]?.stringValue != nil)
            }
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        #expect(await harness.simulator.tasks().isEmpty)
        await harness.stop()
    }

    @Test func anEstimatePricesWithoutReserving() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        try await harness.withClient { client in
            let reply = try await client.call(.post, "/v1/estimate/videos/omni-video", key: tenant.secret,
                                              body: #"{"model_name":"kling-v3-omni","prompt":"x","aspect_ratio":"16:9","duration":"15","sound":"on"}"#)
            #expect(reply.status == 200)
            #expect(reply.data?["reserve_micros"]?.int64Value == 2_100_000)
            #expect(reply.data?["micros_per_second"]?.int64Value == 140_000)
            #expect(reply.data?["billable_seconds"]?.int64Value == 15)
            let image = try await client.call(.post, "/v1/estimate/images/omni-image", key: tenant.secret,
                                              body: #"{"model_name":"kling-v3-omni","prompt":"x","result_type":"series","series_amount":9,"resolution":"4k"}"#)
            #expect(image.data?["reserve_micros"]?.int64Value == 504_000)
            // with no credit, a create is refused: the estimate reserved nothing
            let create = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            #expect(create.status == 429)
            #expect(create.code == 1102)
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 0, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func theConcurrentTaskLimitAnswers1303WithRetryAfter() async throws {
        let harness = try await Harness.make(simulator: SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .seconds(30)))
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000, keyConcurrency: 2)
        try await harness.withClient { client in
            for _ in 0..<2 {
                #expect(try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s).status == 200)
            }
            let third = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.o1Pro5s)
            #expect(third.status == 429)
            #expect(third.code == 1303)
            #expect(third.headers[.retryAfter] != nil)
        }
        await harness.stop()
    }
}
