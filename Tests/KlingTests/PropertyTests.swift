import Foundation
import Kling
import Pricing
import Testing

/// Thousands of seeded arbitrary bodies through both parsers and the
/// estimate: nothing crashes, refusals are only 1200/1201 and name their
/// field, every accepted body is priceable at ≥ 0 by the default book,
/// settles within its reservation, and normalizes to itself.
@Suite struct PropertyTests {
    static let iterations = 4000
    let book = PriceBook.default2026

    @Test(arguments: [UInt64(1), 2, 3])
    func arbitraryBodiesAreRefusedCleanlyOrPricedSoundly(seed: UInt64) {
        var arbitrary = ArbitraryJSON(seed: seed)
        var accepted = (video: 0, image: 0)
        for round in 0..<Self.iterations {
            let value: JSONValue
            switch round % 5 {
            case 0: value = arbitrary.any()
            case 1, 2: value = arbitrary.body(from: VideoPool.pools)
            case 3: value = arbitrary.body(from: ImagePool.pools)
            default: value = arbitrary.body(from: VideoPool.pools.merging(ImagePool.pools) { first, _ in first })
            }
            let data = Data(arbitrary.bytes(of: value))
            if check(VideoRequest.parse, data, &arbitrary.random) { accepted.video += 1 }
            if check(ImageRequest.parse, data, &arbitrary.random) { accepted.image += 1 }
        }
        print("seed \(seed): accepted \(accepted.video) video, \(accepted.image) image bodies of \(Self.iterations)")
        // The plausible bodies must reach past the first rule, often enough to matter.
        #expect(accepted.video > Self.iterations / 50, "only \(accepted.video) video bodies accepted")
        #expect(accepted.image > Self.iterations / 50, "only \(accepted.image) image bodies accepted")
    }

    /// Returns whether the body was accepted.
    private func check<R: OmniCreateRequest & Equatable>(
        _ parse: (Data) throws(KlingError) -> R, _ data: Data, _ random: inout SeededGenerator
    ) -> Bool {
        let request: R
        do {
            request = try parse(data)
        } catch {
            #expect(error.code == 1200 || error.code == 1201, "\(error)")
            #expect(error.httpStatus == 400)
            if let field = error.field { #expect(error.message.hasPrefix("\(field): "), "\(error)") }
            #expect((error.code == 1200) == (error.field == nil), "\(error)")
            return false
        }
        do {
            let reservation = try estimate(request.priceRequest, book: book)
            #expect(reservation.reserveMicros >= 0)
            let actual = randomUsage(&random)
            do {
                let settlement = try settle(request.priceRequest, book: book, actual: actual)
                #expect((0...reservation.reserveMicros).contains(settlement.chargeMicros), "\(actual)")
            } catch {
                guard case .invalidUsage = error else {
                    Issue.record("settle \(actual): \(error)")
                    return true
                }
            }
            #expect(try parse(JSONValue.object(request.body).encodedData()) == request)
            let upstream = request.upstreamBody(externalTaskID: "om_1", callbackURL: nil)
            #expect(upstream["external_task_id"] == "om_1" && upstream["callback_url"] == nil)
        } catch {
            Issue.record("accepted body not priceable: \(error) \(request.body)")
        }
        return true
    }

    private func randomUsage(_ random: inout SeededGenerator) -> ActualUsage {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return .asRequested
        case 1: return .videoSeconds(random.pick(["7.5", "7.49", "0", "3", "12.3", "5.041", "99999999999999999999", "abc", "-2"]))
        default: return .images(Int.random(in: -2...15, using: &random))
        }
    }
}
