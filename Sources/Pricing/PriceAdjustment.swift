/// A transform of the list price book into another book: every unit price times a multiplier, rounded
/// half up to a whole micro, except the combinations that override rows price outright. A tenant's rate
/// card is one (docs/money.md); a channel's cost book can be another. The task formula is unchanged:
/// it runs on the adjusted book.
public struct PriceAdjustment: Sendable, Equatable {
    /// A decimal string > 0 with at most 7 fractional digits, e.g. "0.8".
    public var multiplier: String
    public var video: [VideoPrice]
    public var image: [ImagePrice]

    public static let maxFractionDigits = 7
    /// Multipliers above this are refused: they would price past `PriceBook.maxRowMicros`.
    public static let maxMultiplier: Int64 = 1000

    public static let identity = PriceAdjustment()

    public init(multiplier: String = "1", video: [VideoPrice] = [], image: [ImagePrice] = []) {
        self.multiplier = multiplier
        self.video = video
        self.image = image
    }

    /// The multiplier as an exact fraction; refused unless 0 < m ≤ 1000 with at most 7 decimals.
    public static func parseMultiplier(_ text: String) throws(PricingError) -> Multiplier {
        let rule = "multiplier: must be a decimal string greater than 0 and at most \(maxMultiplier), with at most \(maxFractionDigits) decimal places, got \"\(text)\""
        guard let decimal = DecimalText(text), decimal.fractionDigits.count <= maxFractionDigits,
              decimal.integerDigits.count <= 12,
              let numerator = DecimalText.value(of: decimal.integerDigits + decimal.fractionDigits)
        else { throw .invalidBook(rule) }
        var denominator: Int64 = 1
        for _ in decimal.fractionDigits { denominator *= 10 }
        guard numerator > 0, numerator <= maxMultiplier * denominator else { throw .invalidBook(rule) }
        return Multiplier(numerator: numerator, denominator: denominator)
    }

    /// Checks the multiplier and the rows (the price book's row rules: no duplicates, amounts in range).
    public func validated() throws(PricingError) -> PriceAdjustment {
        _ = try Self.parseMultiplier(multiplier)
        _ = try PriceBook(currency: "USD", videoReferenceMultiplier: "1", video: video, image: image).validated()
        return self
    }

    /// The adjusted unit price of one list price: round_half_up(list × multiplier).
    public func unitMicros(list: Int64) throws(PricingError) -> Int64 {
        try Self.parseMultiplier(multiplier).apply(to: list)
    }

    /// `book` with every row adjusted; override rows replace (or add) their combination.
    public func applied(to book: PriceBook) throws(PricingError) -> PriceBook {
        let factor = try Self.parseMultiplier(multiplier)
        var adjusted = book
        var videoRows: [VideoPrice] = []
        for row in book.video {
            var copy = row
            if let override = video.first(where: { $0.model == row.model && $0.mode == row.mode && $0.sound == row.sound }) {
                copy.microsPerSecond = override.microsPerSecond
            } else {
                copy.microsPerSecond = try factor.apply(to: row.microsPerSecond)
            }
            videoRows.append(copy)
        }
        for override in video where !book.video.contains(where: { $0.model == override.model && $0.mode == override.mode && $0.sound == override.sound }) {
            videoRows.append(override)
        }
        var imageRows: [ImagePrice] = []
        for row in book.image {
            var copy = row
            if let override = image.first(where: { $0.model == row.model && $0.resolution == row.resolution }) {
                copy.microsPerImage = override.microsPerImage
            } else {
                copy.microsPerImage = try factor.apply(to: row.microsPerImage)
            }
            imageRows.append(copy)
        }
        for override in image where !book.image.contains(where: { $0.model == override.model && $0.resolution == override.resolution }) {
            imageRows.append(override)
        }
        adjusted.video = videoRows
        adjusted.image = imageRows
        return adjusted
    }
}
