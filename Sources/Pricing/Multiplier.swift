/// The video reference multiplier as an exact fraction: "1.5" is 15/10.
/// Applying it rounds half up to a whole micro, with every step overflow-checked.
public struct Multiplier: Sendable, Equatable {
    public let numerator: Int64
    /// A power of ten, at most 10^6.
    public let denominator: Int64

    public static let maxFractionDigits = 6

    /// Reads a decimal string ≥ 1 with at most 6 fractional digits.
    public static func parse(_ text: String) throws(PricingError) -> Multiplier {
        let rule = "video_reference_multiplier: must be a decimal number ≥ 1 with at most \(maxFractionDigits) fractional digits, got \"\(text)\""
        guard let decimal = DecimalText(text), decimal.fractionDigits.count <= maxFractionDigits,
              let numerator = DecimalText.value(of: decimal.integerDigits + decimal.fractionDigits)
        else { throw .invalidBook(rule) }
        var denominator: Int64 = 1
        for _ in decimal.fractionDigits { denominator *= 10 }
        guard numerator >= denominator else { throw .invalidBook(rule) }
        return Multiplier(numerator: numerator, denominator: denominator)
    }

    /// A multiplier kept with a task: read as the exact decimal it was priced at, without
    /// today's book rules (a later, stricter rule must not stop an older task from settling).
    static func stored(_ text: String) throws(PricingError) -> Multiplier {
        guard let decimal = DecimalText(text), decimal.fractionDigits.count <= 9,
              let numerator = DecimalText.value(of: decimal.integerDigits + decimal.fractionDigits)
        else { throw .invalidBook("stored reference multiplier \"\(text)\" is not a decimal number") }
        var denominator: Int64 = 1
        for _ in decimal.fractionDigits { denominator *= 10 }
        return Multiplier(numerator: numerator, denominator: denominator)
    }

    /// `micros × numerator / denominator`, rounded half up; `micros` must be ≥ 0.
    public func apply(to micros: Int64) throws(PricingError) -> Int64 {
        // floor((2·m·n + d) / 2d) is m·n/d rounded half up for non-negative values.
        let scaled = try Checked.multiply(micros, numerator)
        let doubled = try Checked.multiply(scaled, 2)
        let (biased, overflow) = doubled.addingReportingOverflow(denominator)
        if overflow { throw Checked.overflowError }
        return biased / (denominator * 2)
    }
}
