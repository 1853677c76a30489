import Pricing

extension KlingError {
    /// A request that validates but cannot be priced (no row in the book for
    /// its combination) is refused like any broken rule: 1201, never priced at zero.
    public init(_ error: PricingError) {
        self.init(code: KlingError.invalidCode, field: nil, message: error.message)
    }
}
