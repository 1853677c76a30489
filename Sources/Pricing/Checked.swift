/// Overflow-checked integer arithmetic for money: an overflow is an error, never a wrap.
enum Checked {
    static let overflowError = PricingError.overflow("amount does not fit in 64-bit micro-units")

    static func multiply(_ a: Int64, _ b: Int64) throws(PricingError) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw overflowError }
        return product
    }
}
