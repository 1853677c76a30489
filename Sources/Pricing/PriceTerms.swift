/// The rates a request is priced at: looked up once, from the book used at
/// reservation, and stored with the task so that settlement needs no book.
public struct PriceTerms: Codable, Sendable, Equatable, Hashable {
    /// micros per second (video) or per image (image).
    public let unitMicros: Int64
    /// The book's video reference multiplier as decimal text ("1.5"), set only
    /// when a video reference applies it.
    public let referenceMultiplier: String?

    public init(unitMicros: Int64, referenceMultiplier: String?) {
        self.unitMicros = unitMicros
        self.referenceMultiplier = referenceMultiplier
    }

    enum CodingKeys: String, CodingKey {
        case unitMicros = "unit_micros"
        case referenceMultiplier = "reference_multiplier"
    }

    static func video(_ request: VideoPriceRequest, book: PriceBook) throws(PricingError) -> PriceTerms {
        guard let rate = book.microsPerSecond(model: request.model, mode: request.mode, sound: request.sound) else {
            throw .noPrice("no price for model \(request.model) mode \(request.mode) sound \(request.sound ? "on" : "off")")
        }
        guard request.videoReference else { return PriceTerms(unitMicros: rate, referenceMultiplier: nil) }
        _ = try Multiplier.parse(book.videoReferenceMultiplier) // the book's rule holds when it is used
        return PriceTerms(unitMicros: rate, referenceMultiplier: book.videoReferenceMultiplier)
    }

    static func image(_ request: ImagePriceRequest, book: PriceBook) throws(PricingError) -> PriceTerms {
        guard let rate = book.microsPerImage(model: request.model, resolution: request.resolution) else {
            throw .noPrice("no price for model \(request.model) resolution \(request.resolution)")
        }
        return PriceTerms(unitMicros: rate, referenceMultiplier: nil)
    }

    /// units × rate (× multiplier, rounded half up once, on the total).
    func micros(units: Int) throws(PricingError) -> Int64 {
        guard units >= 0 else { throw .invalidRequest("a billable quantity cannot be negative, got \(units)") }
        guard unitMicros >= 0 else { throw .invalidBook("a price cannot be negative, got \(unitMicros)") }
        let base = try Checked.multiply(Int64(units), unitMicros)
        guard let referenceMultiplier else { return base }
        return try Multiplier.stored(referenceMultiplier).apply(to: base)
    }
}
