/// The rates a request is priced at, looked up once and shared by the
/// estimate (the reservation) and the settlement (the charge).
struct PriceTerms {
    /// micros per second (video) or per image (image).
    let unitMicros: Int64
    /// Set when a video reference applies the book's multiplier.
    let multiplier: Multiplier?

    static func video(_ request: VideoPriceRequest, book: PriceBook) throws(PricingError) -> PriceTerms {
        guard let rate = book.microsPerSecond(model: request.model, mode: request.mode, sound: request.sound) else {
            throw .noPrice("no price for model \(request.model) mode \(request.mode) sound \(request.sound ? "on" : "off")")
        }
        let multiplier = request.videoReference ? try Multiplier.parse(book.videoReferenceMultiplier) : nil
        return PriceTerms(unitMicros: rate, multiplier: multiplier)
    }

    static func image(_ request: ImagePriceRequest, book: PriceBook) throws(PricingError) -> PriceTerms {
        guard let rate = book.microsPerImage(model: request.model, resolution: request.resolution) else {
            throw .noPrice("no price for model \(request.model) resolution \(request.resolution)")
        }
        return PriceTerms(unitMicros: rate, multiplier: nil)
    }

    /// units × rate (× multiplier, rounded half up once, on the total).
    func micros(units: Int) throws(PricingError) -> Int64 {
        guard units >= 0 else { throw .invalidRequest("a billable quantity cannot be negative, got \(units)") }
        guard unitMicros >= 0 else { throw .invalidBook("a price cannot be negative, got \(unitMicros)") }
        let base = try Checked.multiply(Int64(units), unitMicros)
        guard let multiplier else { return base }
        return try multiplier.apply(to: base)
    }
}
