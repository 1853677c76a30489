import Foundation
import Pricing
import Testing

/// Refusals, clamping, exact rounding and overflow.
@Suite struct PricingRuleTests {
    let book = PriceBook.default2026

    func book(multiplier: String, microsPerSecond: Int64) -> PriceBook {
        PriceBook(currency: "USD", videoReferenceMultiplier: multiplier,
                  video: [VideoPrice(model: "m", mode: "std", sound: "off", microsPerSecond: microsPerSecond)], image: [])
    }

    func referenced(seconds: Int) -> PriceRequest {
        .video(VideoPriceRequest(model: "m", mode: "std", sound: false, videoReference: true, seconds: .fixed(seconds)))
    }

    @Test func aCombinationWithoutARowIsRefusedNamingIt() {
        let o14k = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "4k", sound: false, videoReference: false, seconds: .fixed(5)))
        #expect(throws: PricingError.noPrice("no price for model kling-video-o1 mode 4k sound off")) {
            try estimate(o14k, book: book)
        }
        let o1Sound = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: true, videoReference: false, seconds: .fixed(5)))
        #expect(throws: PricingError.noPrice("no price for model kling-video-o1 mode pro sound on")) {
            try estimate(o1Sound, book: book)
        }
        let o14kImage = PriceRequest.image(ImagePriceRequest(model: "kling-image-o1", resolution: "4k", count: .fixed(1)))
        #expect(throws: PricingError.noPrice("no price for model kling-image-o1 resolution 4k")) {
            try estimate(o14kImage, book: book)
        }
    }

    @Test func aRowRemovedFromTheBookIsRefusedNotFree() {
        var partial = book
        partial.video.removeAll { $0.mode == "std" }
        let std = PriceRequest.video(VideoPriceRequest(model: "kling-v3-omni", mode: "std", sound: false, videoReference: false, seconds: .fixed(5)))
        #expect(throws: PricingError.noPrice("no price for model kling-v3-omni mode std sound off")) {
            try settle(std, book: partial, actual: .asRequested)
        }
    }

    @Test func anEditLongerThanTheMaximumIsChargedTheReservation() throws {
        let edit = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: true, seconds: .edit(maxSeconds: 10)))
        #expect(try settle(edit, book: book, actual: .videoSeconds("12.3")) == Settlement(billableSeconds: 10, chargeMicros: 1_680_000))
        #expect(try settle(edit, book: book, actual: .videoSeconds("99999999999999999999999")).chargeMicros == 1_680_000)
        #expect(try settle(edit, book: book, actual: .asRequested).chargeMicros == 1_680_000)
    }

    @Test func anEditRoundsItsInputExactlyNotThroughAFloat() throws {
        let edit = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: true, seconds: .edit(maxSeconds: 10)))
        // As a Double this is 7.5, which would round to 8.
        #expect(try settle(edit, book: book, actual: .videoSeconds("7.4999999999999999999")).billableSeconds == 7)
        #expect(try settle(edit, book: book, actual: .videoSeconds("5.041")).billableSeconds == 5)
        #expect(try settle(edit, book: book, actual: .videoSeconds("3")).billableSeconds == 3)
        #expect(try settle(edit, book: book, actual: .videoSeconds("9.5")).billableSeconds == 10)
    }

    @Test func anUnreadableDurationIsAnError() {
        let edit = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: true, seconds: .edit(maxSeconds: 10)))
        for text in ["", "abc", "-1", "7.", ".5", "1e1", " 7", "7,5"] {
            #expect(throws: PricingError.self, "\(text)") { try settle(edit, book: book, actual: .videoSeconds(text)) }
        }
    }

    @Test func anAutoSeriesNeverChargesMoreThanNine() throws {
        let auto = PriceRequest.image(ImagePriceRequest(model: "kling-v3-omni", resolution: "4k", count: .auto(max: 9)))
        #expect(try settle(auto, book: book, actual: .images(12)) == Settlement(images: 9, chargeMicros: 504_000))
        #expect(try settle(auto, book: book, actual: .images(0)) == Settlement(images: 0, chargeMicros: 0))
        #expect(throws: PricingError.self) { try settle(auto, book: book, actual: .images(-1)) }
    }

    @Test func theMultiplierRoundsHalfUpToAWholeMicro() throws {
        // 1 s × 1 micro × 1.5 = 1.5 → 2
        #expect(try estimate(referenced(seconds: 1), book: book(multiplier: "1.5", microsPerSecond: 1)).reserveMicros == 2)
        // 1 s × 3 micros × 1.5 = 4.5 → 5
        #expect(try estimate(referenced(seconds: 1), book: book(multiplier: "1.5", microsPerSecond: 3)).reserveMicros == 5)
        // 1 s × 1 micro × 1.4 = 1.4 → 1
        #expect(try estimate(referenced(seconds: 1), book: book(multiplier: "1.4", microsPerSecond: 1)).reserveMicros == 1)
        // 2 s × 1 micro × 1.25 = 2.5 → 3, rounded once on the total
        #expect(try estimate(referenced(seconds: 2), book: book(multiplier: "1.25", microsPerSecond: 1)).reserveMicros == 3)
        // 3 s × 333333 × 1.000001 = 999999.999999 → 1000000
        #expect(try estimate(referenced(seconds: 3), book: book(multiplier: "1.000001", microsPerSecond: 333_333)).reserveMicros == 1_000_000)
        // 1 s × 500000 × 1.000001 = 500000.5 → 500001
        #expect(try estimate(referenced(seconds: 1), book: book(multiplier: "1.000001", microsPerSecond: 500_000)).reserveMicros == 500_001)
    }

    @Test func anOverflowIsAnErrorNeverAWrap() {
        let huge = book(multiplier: "9223372036854", microsPerSecond: PriceBook.maxRowMicros)
        #expect(throws: PricingError.self) { try estimate(referenced(seconds: 15), book: huge) }
        let long = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: false, seconds: .fixed(.max)))
        #expect(throws: PricingError.self) { try estimate(long, book: book) }
    }

    @Test func negativeQuantitiesAreRefused() {
        let negative = PriceRequest.image(ImagePriceRequest(model: "kling-image-o1", resolution: "1k", count: .fixed(-1)))
        #expect(throws: PricingError.self) { try estimate(negative, book: book) }
    }
}
