import Foundation
import Pricing
import Testing

/// Rate cards' price transform, to the micro, on the default book (docs/money.md).
@Suite struct PriceAdjustmentTests {
    let book = PriceBook.default2026

    func o1(_ mode: String, seconds: Int, reference: Bool = false, _ adjustment: PriceAdjustment) throws -> Estimate {
        let request = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: mode, sound: false, videoReference: reference, seconds: .fixed(seconds)))
        return try estimate(request, book: try adjustment.applied(to: book))
    }

    @Test func multiplierPoint8MakesO1Std67200PerSecondAnd336000For5Seconds() throws {
        let card = PriceAdjustment(multiplier: "0.8")
        #expect(try card.unitMicros(list: 84_000) == 67_200)
        let priced = try o1("std", seconds: 5, card)
        #expect(priced.microsPerSecond == 67_200)
        #expect(priced.reserveMicros == 336_000)
    }

    @Test func aVideoReferenceMultipliesTheCardPrice() throws {
        #expect(try o1("std", seconds: 5, reference: true, PriceAdjustment(multiplier: "0.8")).reserveMicros == 504_000)
    }

    @Test func sevenDecimalsRoundTheUnitHalfUp() throws {
        // 84,000 × 0.3333333 = 27,999.9972 → 28,000
        #expect(try PriceAdjustment(multiplier: "0.3333333").unitMicros(list: 84_000) == 28_000)
        #expect(try o1("std", seconds: 1, PriceAdjustment(multiplier: "0.3333333")).microsPerSecond == 28_000)
        // exactly half rounds up: 3 × 0.5 = 1.5 → 2
        #expect(try PriceAdjustment(multiplier: "0.5").unitMicros(list: 3) == 2)
        #expect(try PriceAdjustment(multiplier: "0.5").unitMicros(list: 1) == 1)
    }

    @Test func anOverrideRowWinsWhateverTheMultiplier() throws {
        let override = VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 100_000)
        for multiplier in ["0.8", "1", "2.5", "0.0000001"] {
            let card = PriceAdjustment(multiplier: multiplier, video: [override])
            #expect(try o1("pro", seconds: 5, card).reserveMicros == 500_000)
        }
        // the other rows still follow the multiplier
        #expect(try o1("std", seconds: 5, PriceAdjustment(multiplier: "0.8", video: [override])).reserveMicros == 336_000)
    }

    @Test func imageRowsFollowTheCardToo() throws {
        let card = PriceAdjustment(multiplier: "0.8", image: [ImagePrice(model: "kling-v3-omni", resolution: "4k", microsPerImage: 50_000)])
        let adjusted = try card.applied(to: book)
        #expect(adjusted.microsPerImage(model: "kling-image-o1", resolution: "1k") == 22_400)
        #expect(adjusted.microsPerImage(model: "kling-v3-omni", resolution: "4k") == 50_000)
    }

    @Test func theIdentityCardLeavesTheBookUnchanged() throws {
        #expect(try PriceAdjustment.identity.applied(to: book) == book)
    }

    @Test(arguments: ["0", "0.0", "-1", "1.", ".5", "0.12345678", "abc", "", " 1", "1e3", "1000.0000001", "1001"])
    func badMultipliersAreRefused(_ text: String) {
        #expect(throws: PricingError.self) { try PriceAdjustment(multiplier: text).validated() }
    }

    @Test(arguments: ["0.0000001", "0.8", "1", "2", "1000", "0.3333333"])
    func goodMultipliersAreAccepted(_ text: String) throws {
        _ = try PriceAdjustment(multiplier: text).validated()
    }

    @Test func duplicateOverrideRowsAreRefused() {
        let row = VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 1)
        #expect(throws: PricingError.self) { try PriceAdjustment(video: [row, row]).validated() }
    }
}
