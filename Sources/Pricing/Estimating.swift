/// Prices a request at its upper bound: the amount to reserve before the task
/// goes upstream. A combination the book has no row for is refused.
public func estimate(_ request: PriceRequest, book: PriceBook) throws(PricingError) -> Estimate {
    switch request {
    case .video(let video):
        let terms = try PriceTerms.video(video, book: book)
        let seconds = video.seconds.reservedSeconds
        return Estimate(
            kind: "video", model: video.model, mode: video.mode, sound: video.sound ? "on" : "off",
            billableSeconds: seconds, microsPerSecond: terms.unitMicros,
            videoReferenceMultiplier: terms.multiplier == nil ? nil : book.videoReferenceMultiplier,
            reserveMicros: try terms.micros(units: seconds), currency: book.currency
        )
    case .image(let image):
        let terms = try PriceTerms.image(image, book: book)
        let count = image.count.reservedCount
        return Estimate(
            kind: "image", model: image.model, resolution: image.resolution,
            images: count, microsPerImage: terms.unitMicros,
            reserveMicros: try terms.micros(units: count), currency: book.currency
        )
    }
}

extension VideoSeconds {
    /// The seconds the reservation covers.
    var reservedSeconds: Int {
        switch self {
        case .fixed(let seconds): return seconds
        case .edit(let maxSeconds): return maxSeconds
        }
    }
}

extension ImageCount {
    /// The images the reservation covers.
    var reservedCount: Int {
        switch self {
        case .fixed(let count): return count
        case .auto(let max): return max
        }
    }
}
