import Accounting
import Foundation
import Postgres
import Pricing
import Testing

/// `cost_micros` recorded in the settlement transaction: the channel's cost book applied to the settled
/// usage, exact to the micro; nothing for tasks the upstream reported no usage for.
@Suite struct TaskCostTests {
    static let o1Std5 = #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1"}"#              // list 420,000
    static let o1Pro5 = #"{"prompt":"x","mode":"pro","duration":5,"aspect_ratio":"1:1"}"#              // list 560,000
    static let v3ProSound15 = #"{"model":"kling-v3-omni","prompt":"x","mode":"pro","sound":"on","duration":"15","aspect_ratio":"1:1"}"#  // 2,100,000
    static let o1ProReference5 = #"{"prompt":"x","mode":"pro","duration":5,"aspect_ratio":"1:1","video_list":[{"video_url":"v","refer_type":"feature"}]}"#  // 840,000
    static let o1StdEdit = #"{"prompt":"x","mode":"std","video_list":[{"video_url":"v","refer_type":"base"}]}"#  // reserves 10 s: 1,260,000
    static let image3 = #"{"model_name":"kling-image-o1","prompt":"x","n":3}"#                          // 84,000

    func succeeded(_ micros: Int64, seconds: Int? = nil, images: Int? = nil) -> TaskOutcome {
        .succeeded(chargeMicros: micros, billableSeconds: seconds, images: images)
    }

    @Test(arguments: [false, true])
    func aHalfPriceChannelCostsHalfTheListPriceOfTheSettledUsage(priced: Bool) async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        let card: PriceAdjustment? = priced ? .identity : nil
        let cases: [(String, TaskOutcome, Int64)] = [
            (Self.o1Std5, succeeded(420_000, seconds: 5), 210_000),
            (Self.o1Pro5, succeeded(560_000, seconds: 5), 280_000),
            (Self.v3ProSound15, succeeded(2_100_000, seconds: 15), 1_050_000),
            (Self.o1ProReference5, succeeded(840_000, seconds: 5), 420_000),
            // the edit's input was 7.5 s: settled as 8 s; cost 8 × 42,000 × 1.5
            (Self.o1StdEdit, succeeded(1_008_000, seconds: 8), 504_000),
            (Self.image3, succeeded(84_000, images: 3), 42_000),
        ]
        for (body, outcome, expected) in cases {
            let task = try await Fixtures.costedTask(pool, key, body, channel: channel, card: card, outcome)
            let cost = try await Fixtures.cost(pool, task.id)
            #expect(cost.micros == expected, "\(body)")
            #expect(cost.channel == channel)
        }
    }

    @Test func aSevenDecimalMultiplierRoundsTheUnitAndTheReferenceTotalHalfUp() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.3333333")
        let cases: [(String, TaskOutcome, Int64)] = [
            (Self.o1Std5, succeeded(420_000, seconds: 5), 140_000),            // 27,999.9972 → 28,000/s
            (Self.o1Pro5, succeeded(560_000, seconds: 5), 186_665),            // 37,333.3296 → 37,333/s
            (Self.v3ProSound15, succeeded(2_100_000, seconds: 15), 700_005),   // 46,667/s
            (Self.o1ProReference5, succeeded(840_000, seconds: 5), 279_998),   // 186,665 × 1.5 = 279,997.5
            (Self.image3, succeeded(84_000, images: 3), 27_999),               // 9,333/image
        ]
        for (body, outcome, expected) in cases {
            let task = try await Fixtures.costedTask(pool, key, body, channel: channel, card: .identity, outcome)
            #expect(try await Fixtures.cost(pool, task.id).micros == expected, "\(body)")
        }
    }

    @Test func overrideRowsCostTheirCombinationAndTheRestFollowsTheMultiplier() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5", cost: """
            {"video":[{"model":"kling-video-o1","mode":"pro","sound":"off","micros_per_second":100000}],
             "image":[{"model":"kling-image-o1","resolution":"1k","micros_per_image":20000}]}
            """)
        let pro = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: .identity, succeeded(560_000, seconds: 5))
        let reference = try await Fixtures.costedTask(pool, key, Self.o1ProReference5, channel: channel, succeeded(840_000, seconds: 5))
        let std = try await Fixtures.costedTask(pool, key, Self.o1Std5, channel: channel, succeeded(420_000, seconds: 5))
        let images = try await Fixtures.costedTask(pool, key, Self.image3, channel: channel, card: .identity, succeeded(84_000, images: 3))
        #expect(try await Fixtures.cost(pool, pro.id).micros == 500_000)
        #expect(try await Fixtures.cost(pool, reference.id).micros == 750_000)
        #expect(try await Fixtures.cost(pool, std.id).micros == 210_000)
        #expect(try await Fixtures.cost(pool, images.id).micros == 60_000)
    }

    @Test func theCostFollowsTheListBookNeverTheTenantsRateCard() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        // the tenant pays 0.8 of list (336,000); the channel costs 0.5 of list, not of the tenant's price
        let task = try await Fixtures.costedTask(pool, key, Self.o1Std5, channel: channel, card: PriceAdjustment(multiplier: "0.8"),
                                                 succeeded(336_000, seconds: 5))
        #expect(task.chargedMicros == 336_000)
        #expect(try await Fixtures.cost(pool, task.id).micros == 210_000)
    }

    @Test func theDefaultChannelAndATaskWithNoRecordedChannelCostTheListPrice() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let named = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: "default", card: .identity, succeeded(560_000, seconds: 5))
        #expect(try await Fixtures.cost(pool, named.id) == RecordedCost("default", 560_000))
        // made upstream before channels were recorded: the built-in channel made it
        let unnamed = try await Fixtures.costedTask(pool, key, Self.image3, channel: nil, succeeded(84_000, images: 3))
        #expect(try await Fixtures.cost(pool, unnamed.id) == RecordedCost("default", 84_000))
    }

    @Test func failedRejectedAndExpiredTasksCostNothing() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        let failed = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, .failed(message: "content policy"))
        let expired = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, .expired)
        // refused at submission: no upstream id, no channel
        let rejected = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: nil, upstreamID: nil, .rejected(message: "429"))
        #expect(try await Fixtures.cost(pool, failed.id) == RecordedCost(channel, 0))
        #expect(try await Fixtures.cost(pool, expired.id) == RecordedCost(channel, 0))
        #expect(try await Fixtures.cost(pool, rejected.id) == RecordedCost(nil, 0))
        #expect(try await Fixtures.cost(pool, try await Fixtures.openTask(pool, key).id) == RecordedCost(nil, nil))
    }

    @Test func aLateSuccessCostsItsUsageWhetherOrNotTheTenantWasCharged() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        let charged = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: .identity,
                                                    .expired, succeeded(560_000, seconds: 5))
        #expect(charged.lateChargedMicros == 560_000)
        #expect(try await Fixtures.cost(pool, charged.id).micros == 280_000)
        // a free card: the late success charges nothing, but the upstream made (and bills) the video
        let free = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: PriceAdjustment(multiplier: "0.5", video: [
            VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 0)]), .expired, succeeded(0, seconds: 5))
        #expect(free.state == .expired)
        #expect(free.chargedMicros + free.lateChargedMicros == 0)
        #expect(try await Fixtures.cost(pool, free.id).micros == 280_000)
        // a second report of the same success changes nothing
        _ = try await TaskStore(pool: pool).settle(taskID: charged.id, outcome: succeeded(560_000, seconds: 5))
        #expect(try await Fixtures.cost(pool, charged.id).micros == 280_000)
        #expect(try await Fixtures.ledgerKinds(pool, taskID: charged.id) == ["reserve": 560_000, "release": 560_000, "late_charge": 560_000])
    }

    @Test func aFreeTenantsSuccessStillCostsTheOperator() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let task = try await Fixtures.costedTask(pool, key, Self.image3, channel: "default", card: PriceAdjustment(multiplier: "0.5", image: [
            ImagePrice(model: "kling-image-o1", resolution: "1k", microsPerImage: 0)]), succeeded(0, images: 3))
        #expect(task.chargedMicros == 0)
        #expect(try await Fixtures.cost(pool, task.id).micros == 84_000)
    }
}
