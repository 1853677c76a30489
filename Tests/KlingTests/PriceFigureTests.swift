import Foundation
import Kling
import Pricing
import Testing

/// The figures the contract promises, to the micro, from the default book.
@Suite struct PriceFigureTests {
    let book = PriceBook.default2026

    func video(_ model: String, _ mode: String, sound: Bool = false, reference: Bool = false, _ seconds: VideoSeconds) -> PriceRequest {
        .video(VideoPriceRequest(model: model, mode: mode, sound: sound, videoReference: reference, seconds: seconds))
    }

    /// The reservation of an omni-video body, parsed and normalized first.
    func reserve(_ json: String) throws -> Int64 {
        try estimate(VideoRequest.parse(Data(json.utf8)).priceRequest, book: book).reserveMicros
    }

    @Test func o1Pro5SecondsIs560000() throws {
        #expect(try estimate(video("kling-video-o1", "pro", .fixed(5)), book: book).reserveMicros == 560_000)
        #expect(try reserve(#"{"prompt":"x","aspect_ratio":"1:1"}"#) == 560_000)
    }

    @Test func o1Std10SecondsWithAFeatureVideoIs1260000() throws {
        #expect(try estimate(video("kling-video-o1", "std", reference: true, .fixed(10)), book: book).reserveMicros == 1_260_000)
        #expect(try reserve(#"{"prompt":"x","mode":"std","duration":10,"aspect_ratio":"1:1","video_list":[{"video_url":"v","refer_type":"feature"}]}"#) == 1_260_000)
    }

    @Test func v3Pro15SecondsWithSoundIs2100000() throws {
        #expect(try estimate(video("kling-v3-omni", "pro", sound: true, .fixed(15)), book: book).reserveMicros == 2_100_000)
        #expect(try reserve(#"{"model":"kling-v3-omni","prompt":"x","sound":"on","duration":"15","aspect_ratio":"1:1"}"#) == 2_100_000)
    }

    @Test func o1ProEditReserves1680000() throws {
        #expect(try estimate(video("kling-video-o1", "pro", reference: true, .edit(maxSeconds: 10)), book: book).reserveMicros == 1_680_000)
        #expect(try reserve(#"{"prompt":"x","video_list":[{"video_url":"v"}]}"#) == 1_680_000)
    }

    @Test func o1ProEditSettlesOnItsInputRoundedHalfUp() throws {
        let edit = video("kling-video-o1", "pro", reference: true, .edit(maxSeconds: 10))
        #expect(try settle(edit, book: book, actual: .videoSeconds("7.5")) == Settlement(billableSeconds: 8, chargeMicros: 1_344_000))
        #expect(try settle(edit, book: book, actual: .videoSeconds("7.49")) == Settlement(billableSeconds: 7, chargeMicros: 1_176_000))
    }

    @Test func v3FourKImageSeriesOf9Is504000() throws {
        let series = PriceRequest.image(ImagePriceRequest(model: "kling-v3-omni", resolution: "4k", count: .fixed(9)))
        #expect(try estimate(series, book: book).reserveMicros == 504_000)
        #expect(try settle(series, book: book, actual: .asRequested).chargeMicros == 504_000)
    }

    @Test func seriesAutoReservesNineAndSettlesOnImagesProduced() throws {
        let auto = PriceRequest.image(ImagePriceRequest(model: "kling-v3-omni", resolution: "1k", count: .auto(max: 9)))
        let reservation = try estimate(auto, book: book)
        #expect(reservation.images == 9)
        #expect(reservation.reserveMicros == 252_000)
        #expect(try settle(auto, book: book, actual: .images(5)) == Settlement(images: 5, chargeMicros: 140_000))
    }

    @Test func fixedImageCountsBillTheCountWhateverWasProduced() throws {
        let three = PriceRequest.image(ImagePriceRequest(model: "kling-image-o1", resolution: "2k", count: .fixed(3)))
        #expect(try settle(three, book: book, actual: .images(1)) == Settlement(images: 3, chargeMicros: 84_000))
    }

    @Test func fixedDurationsBillTheRequestedSecondsWhateverWasReported() throws {
        let five = video("kling-video-o1", "pro", .fixed(5))
        #expect(try settle(five, book: book, actual: .videoSeconds("5.041")) == Settlement(billableSeconds: 5, chargeMicros: 560_000))
    }

    @Test func anEstimateNamesItsTerms() throws {
        let feature = try estimate(video("kling-video-o1", "std", reference: true, .fixed(10)), book: book)
        #expect(feature == Estimate(kind: "video", model: "kling-video-o1", mode: "std", sound: "off", billableSeconds: 10,
                                    microsPerSecond: 84_000, videoReferenceMultiplier: "1.5", reserveMicros: 1_260_000, currency: "USD"))
        let plain = try estimate(video("kling-video-o1", "std", .fixed(10)), book: book)
        #expect(plain.videoReferenceMultiplier == nil)
    }

    @Test func anEstimateEncodesWithSnakeCaseKeysAndOmitsAbsentTerms() throws {
        let image = try estimate(.image(ImagePriceRequest(model: "kling-image-o1", resolution: "1k", count: .fixed(2))), book: book)
        let json = try JSONValue.decode(JSONEncoder().encode(image))
        #expect(json == ["kind": "image", "model": "kling-image-o1", "resolution": "1k", "images": 2,
                         "micros_per_image": 28_000, "reserve_micros": 56_000, "currency": "USD"])
    }
}
