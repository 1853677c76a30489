/// Prices a request at its upper bound: the amount to reserve before the task
/// goes upstream. A combination the book has no row for is refused.
public func estimate(_ request: PriceRequest, book: PriceBook) throws(PricingError) -> Estimate {
    try estimate(try price(request, book: book))
}

/// The reservation and breakdown of a request already priced.
public func estimate(_ priced: PricedRequest) throws(PricingError) -> Estimate {
    let terms = priced.terms
    switch priced.request {
    case .video(let video):
        let seconds = video.seconds.reservedSeconds
        return Estimate(
            kind: "video", model: video.model, mode: video.mode, sound: video.sound ? "on" : "off",
            billableSeconds: seconds, microsPerSecond: terms.unitMicros,
            videoReferenceMultiplier: terms.referenceMultiplier,
            reserveMicros: try terms.micros(units: seconds), currency: priced.currency
        )
    case .image(let image):
        let count = image.count.reservedCount
        return Estimate(
            kind: "image", model: image.model, resolution: image.resolution,
            images: count, microsPerImage: terms.unitMicros,
            reserveMicros: try terms.micros(units: count), currency: priced.currency
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
