import Pricing
import Testing

/// A channel's cost: the list book under the channel's adjustment (override rows, else
/// round_half_up(list unit × multiplier)), then the task's settled usage by the price rules.
@Suite struct CostingTests {
    static func video(_ mode: String, model: String = "kling-video-o1", sound: Bool = false, reference: Bool = false,
                      _ seconds: VideoSeconds) -> PriceRequest {
        .video(VideoPriceRequest(model: model, mode: mode, sound: sound, videoReference: reference, seconds: seconds))
    }

    static let images3 = PriceRequest.image(ImagePriceRequest(model: "kling-image-o1", resolution: "1k", count: .fixed(3)))

    func cost(_ request: PriceRequest, _ channel: PriceAdjustment, seconds: Int? = nil, images: Int? = nil) throws -> Int64 {
        try Pricing.cost(request, list: .default2026, channel: channel, usage: SettledUsage(billableSeconds: seconds, images: images))
    }

    @Test func theDefaultChannelCostsTheListPrice() throws {
        #expect(try cost(Self.video("std", .fixed(5)), .identity, seconds: 5) == 420_000)
        #expect(try cost(Self.video("pro", .fixed(5)), .identity, seconds: 5) == 560_000)
        #expect(try cost(Self.images3, .identity, images: 3) == 84_000)
    }

    @Test func aHalfPriceChannelHalvesEveryUnitAndKeepsTheReferenceMultiplier() throws {
        let half = PriceAdjustment(multiplier: "0.5")
        #expect(try cost(Self.video("std", .fixed(5)), half, seconds: 5) == 210_000)
        #expect(try cost(Self.video("pro", .fixed(5)), half, seconds: 5) == 280_000)
        #expect(try cost(Self.video("pro", model: "kling-v3-omni", sound: true, .fixed(15)), half, seconds: 15) == 1_050_000)
        #expect(try cost(Self.video("std", reference: true, .fixed(10)), half, seconds: 10) == 630_000)
        // an edit costs its settled (rounded) seconds: 8 × 42,000 × 1.5
        #expect(try cost(Self.video("std", model: "kling-v3-omni", reference: true, .edit(maxSeconds: 10)), half, seconds: 8) == 504_000)
        #expect(try cost(Self.images3, half, images: 3) == 42_000)
    }

    @Test func aSevenDecimalMultiplierRoundsEachUnitHalfUpThenTheTotal() throws {
        let third = PriceAdjustment(multiplier: "0.3333333")
        #expect(try cost(Self.video("std", .fixed(5)), third, seconds: 5) == 140_000)        // 27,999.9972 → 28,000
        #expect(try cost(Self.video("pro", .fixed(5)), third, seconds: 5) == 186_665)        // 37,333.3296 → 37,333
        #expect(try cost(Self.video("pro", model: "kling-v3-omni", sound: true, .fixed(15)), third, seconds: 15) == 700_005)  // 46,667
        // 186,665 × 1.5 = 279,997.5 → 279,998
        #expect(try cost(Self.video("pro", reference: true, .fixed(5)), third, seconds: 5) == 279_998)
        #expect(try cost(Self.images3, third, images: 3) == 27_999)                          // 9,333.3324 → 9,333
    }

    @Test func overrideRowsPriceTheirCombinationWhateverTheMultiplier() throws {
        let rows = PriceAdjustment(multiplier: "0.5",
                                   video: [VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 100_000)],
                                   image: [ImagePrice(model: "kling-image-o1", resolution: "1k", microsPerImage: 20_000)])
        #expect(try cost(Self.video("pro", .fixed(5)), rows, seconds: 5) == 500_000)
        #expect(try cost(Self.video("pro", reference: true, .fixed(5)), rows, seconds: 5) == 750_000)
        #expect(try cost(Self.video("std", .fixed(5)), rows, seconds: 5) == 210_000)
        #expect(try cost(Self.images3, rows, images: 3) == 60_000)
    }

    @Test func anAutoSeriesCostsTheImagesProducedAndAnEditNeverMoreThanItsLongestInput() throws {
        let series = PriceRequest.image(ImagePriceRequest(model: "kling-image-o1", resolution: "1k", count: .auto(max: 9)))
        #expect(try cost(series, PriceAdjustment(multiplier: "0.5"), images: 4) == 56_000)
        #expect(try cost(Self.video("std", model: "kling-v3-omni", reference: true, .edit(maxSeconds: 10)), .identity, seconds: 12) == 1_260_000)
    }
}
