/// The charge for a succeeded task, at the book the reservation was priced
/// with. Only what the upstream alone knows is taken from `actual` (an edit's
/// input length, an auto series' image count); everything else bills as
/// requested. The charge never exceeds the reservation.
public func settle(_ request: PriceRequest, book: PriceBook, actual: ActualUsage) throws(PricingError) -> Settlement {
    try settle(try price(request, book: book), actual: actual)
}

/// The same from the priced request stored at reservation alone: no book, no validation.
public func settle(_ priced: PricedRequest, actual: ActualUsage) throws(PricingError) -> Settlement {
    let terms = priced.terms
    switch priced.request {
    case .video(let video):
        let reservation = try terms.micros(units: video.seconds.reservedSeconds)
        let seconds = try billableSeconds(video.seconds, actual: actual)
        return Settlement(billableSeconds: seconds, chargeMicros: min(try terms.micros(units: seconds), reservation))
    case .image(let image):
        let reservation = try terms.micros(units: image.count.reservedCount)
        let count = try billableImages(image.count, actual: actual)
        return Settlement(images: count, chargeMicros: min(try terms.micros(units: count), reservation))
    }
}

/// Fixed durations bill as requested; an edit bills its input rounded half up
/// to a whole second, capped at the reserved maximum.
private func billableSeconds(_ seconds: VideoSeconds, actual: ActualUsage) throws(PricingError) -> Int {
    guard case .edit(let maxSeconds) = seconds, case .videoSeconds(let text) = actual else {
        return seconds.reservedSeconds
    }
    guard let decimal = DecimalText(text) else {
        throw .invalidUsage("video duration: \"\(text)\" is not a non-negative decimal number")
    }
    // Too large for Int64 is certainly longer than the cap.
    guard let rounded = decimal.roundedHalfUp(), rounded < Int64(maxSeconds) else { return maxSeconds }
    return Int(rounded)
}

/// Fixed counts bill as requested; an auto series bills the images produced,
/// capped at the reserved maximum.
private func billableImages(_ count: ImageCount, actual: ActualUsage) throws(PricingError) -> Int {
    guard case .auto(let max) = count, case .images(let produced) = actual else {
        return count.reservedCount
    }
    guard produced >= 0 else { throw .invalidUsage("images: produced count cannot be negative, got \(produced)") }
    return min(produced, max)
}
