import Foundation
import Pricing
import Testing

/// The priced request stored with each task: it round-trips through JSON, and settling from it alone
/// gives what settling against the book gave.
@Suite struct PricedRequestTests {
    let edit = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: true, seconds: .edit(maxSeconds: 10)))
    let series = PriceRequest.image(ImagePriceRequest(model: "kling-v3-omni", resolution: "4k", count: .auto(max: 9)))

    @Test func aPricedRequestKeepsItsTermsThroughJSON() throws {
        for request in [edit, series] {
            let priced = try Pricing.price(request, book: .default2026)
            let decoded = try JSONDecoder().decode(PricedRequest.self, from: JSONEncoder().encode(priced))
            #expect(decoded == priced)
        }
        let priced = try Pricing.price(edit, book: .default2026)
        #expect(priced.terms == PriceTerms(unitMicros: 112_000, referenceMultiplier: "1.5"))
    }

    @Test func theStoredShapeIsExplicit() throws {
        let json = #"{"request":{"video":{"model":"kling-video-o1","mode":"pro","sound":false,"video_reference":true,"seconds":{"edit_max":10}}},"terms":{"unit_micros":112000,"reference_multiplier":"1.5"},"currency":"USD"}"#
        let decoded = try JSONDecoder().decode(PricedRequest.self, from: Data(json.utf8))
        #expect(decoded == PricedRequest(request: edit, terms: PriceTerms(unitMicros: 112_000, referenceMultiplier: "1.5"), currency: "USD"))
    }

    @Test func settlingFromTheStoredTermsNeedsNoBookAndChargesTheSame() throws {
        let priced = try Pricing.price(edit, book: .default2026)
        #expect(try Pricing.settle(priced, actual: .videoSeconds("7.5")).chargeMicros == 1_344_000)
        #expect(try Pricing.settle(priced, actual: .videoSeconds("7.49")).chargeMicros == 1_176_000)
        #expect(try Pricing.settle(priced, actual: .videoSeconds("7.5")) == Pricing.settle(edit, book: .default2026, actual: .videoSeconds("7.5")))
        let images = try Pricing.price(series, book: .default2026)
        #expect(try Pricing.settle(images, actual: .images(5)).chargeMicros == 280_000)
        #expect(try Pricing.estimate(images).reserveMicros == 504_000)
    }

    @Test func storedTermsSettleEvenWhenTodaysBookRulesWouldRefuseThem() throws {
        // a multiplier with more fractional digits than today's book accepts still settles as priced
        let priced = PricedRequest(request: edit, terms: PriceTerms(unitMicros: 100_000, referenceMultiplier: "1.0000005"), currency: "USD")
        #expect(try Pricing.settle(priced, actual: .videoSeconds("10")).chargeMicros == 1_000_001)
    }
}
