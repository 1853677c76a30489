import Foundation
import Pricing
import Testing

@Suite struct PriceBookTests {
    let contractJSON = #"{"currency":"USD","video_reference_multiplier":"1.5","video":[{"model":"kling-video-o1","mode":"pro","sound":"off","micros_per_second":112000}],"image":[{"model":"kling-image-o1","resolution":"1k","micros_per_image":28000}]}"#

    @Test func decodesAndEncodesTheContractsShape() throws {
        let book = try JSONDecoder().decode(PriceBook.self, from: Data(contractJSON.utf8))
        #expect(book.videoReferenceMultiplier == "1.5")
        #expect(book.video == [VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 112_000)])
        #expect(book.image == [ImagePrice(model: "kling-image-o1", resolution: "1k", microsPerImage: 28_000)])
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(book)) as? NSDictionary
        #expect(encoded == (try JSONSerialization.jsonObject(with: Data(contractJSON.utf8)) as? NSDictionary))
    }

    @Test func theDefaultBookIsTheOfficialListAndValid() throws {
        let book = try PriceBook.default2026.validated()
        #expect(book.currency == "USD")
        #expect(book.video.count == 8)
        #expect(book.image.count == 5)
        #expect(book.microsPerSecond(model: "kling-v3-omni", mode: "4k", sound: true) == 420_000)
        #expect(book.microsPerSecond(model: "kling-v3-omni", mode: "4k", sound: false) == 420_000)
        #expect(book.microsPerSecond(model: "kling-v3-omni", mode: "std", sound: true) == 112_000)
        #expect(book.microsPerSecond(model: "kling-video-o1", mode: "std", sound: false) == 84_000)
        #expect(book.microsPerImage(model: "kling-v3-omni", resolution: "4k") == 56_000)
        #expect(book.microsPerImage(model: "kling-image-o1", resolution: "2k") == 28_000)
    }

    /// The default book with one rule broken, and the start of the message that must name it.
    static func broken(_ name: String) -> (book: PriceBook, prefix: String) {
        var book = PriceBook.default2026
        switch name {
        case "lowercase currency": book.currency = "usd"; return (book, "currency: ")
        case "four-letter currency": book.currency = "USDT"; return (book, "currency: ")
        case "multiplier below 1": book.videoReferenceMultiplier = "0.9"; return (book, "video_reference_multiplier: ")
        case "multiplier with 7 decimals": book.videoReferenceMultiplier = "1.1234567"; return (book, "video_reference_multiplier: ")
        case "multiplier not a number": book.videoReferenceMultiplier = "1.5x"; return (book, "video_reference_multiplier: ")
        case "multiplier negative": book.videoReferenceMultiplier = "-2"; return (book, "video_reference_multiplier: ")
        case "multiplier too large": book.videoReferenceMultiplier = "99999999999999999999"; return (book, "video_reference_multiplier: ")
        case "negative price": book.video[2].microsPerSecond = -1; return (book, "video[2].micros_per_second: ")
        case "price above 10^12": book.image[1].microsPerImage = 1_000_000_000_001; return (book, "image[1].micros_per_image: ")
        case "duplicate video row": book.video.append(book.video[0]); return (book, "video[8]: duplicates video[0]")
        case "duplicate image row": book.image.append(book.image[4]); return (book, "image[5]: duplicates image[4]")
        case "sound maybe": book.video[1].sound = "maybe"; return (book, "video[1].sound: ")
        case "empty model": book.video[3].model = ""; return (book, "video[3].model: ")
        case "empty mode": book.video[3].mode = ""; return (book, "video[3].mode: ")
        default: book.image[0].resolution = ""; return (book, "image[0].resolution: ")
        }
    }

    @Test(arguments: [
        "lowercase currency", "four-letter currency", "multiplier below 1", "multiplier with 7 decimals",
        "multiplier not a number", "multiplier negative", "multiplier too large", "negative price", "price above 10^12",
        "duplicate video row", "duplicate image row", "sound maybe", "empty model", "empty mode", "empty resolution",
    ])
    func aBrokenBookIsRefusedNamingTheField(_ name: String) {
        let (book, prefix) = Self.broken(name)
        do {
            _ = try book.validated()
            Issue.record("\(name): accepted")
        } catch {
            guard case .invalidBook(let message) = error else { Issue.record("\(name): \(error)"); return }
            #expect(message.hasPrefix(prefix), "\(name): \(message)")
        }
    }

    @Test func largeButValidMultipliersAndZeroPricesAreAccepted() throws {
        var book = PriceBook.default2026
        book.videoReferenceMultiplier = "2.000001"
        book.video[0].microsPerSecond = 0
        book.image[0].microsPerImage = PriceBook.maxRowMicros
        #expect(try book.validated() == book)
    }
}
