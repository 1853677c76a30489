/// What the operator pays the upstream for a task (docs/channels.md, "Cost, margin and bills").
/// The channel's cost book is the list book of the task's price version under the channel's
/// `PriceAdjustment` (override rows, else round_half_up(list unit × multiplier)): the rate-card
/// transform, applied to the list book and never to a tenant's card. The task's settled usage is then
/// priced on that book by the rules prices follow (seconds × unit × reference multiplier, rounded half up
/// once; images × unit), so cost and charge differ only in their unit price.
public func cost(_ request: PriceRequest, list: PriceBook, channel: PriceAdjustment, usage: SettledUsage) throws(PricingError) -> Int64 {
    let book = try channel.applied(to: list)
    return try settle(try price(request, book: book), actual: usage.actual).chargeMicros
}

/// What settlement recorded the task used: its billable seconds (video) or images (image).
public struct SettledUsage: Sendable, Equatable {
    public var billableSeconds: Int?
    public var images: Int?

    public init(billableSeconds: Int? = nil, images: Int? = nil) {
        self.billableSeconds = billableSeconds
        self.images = images
    }

    /// The settled figures as the usage report they came from: an edit's whole seconds (already rounded,
    /// so rounding again keeps them), an auto series' images. Fixed requests bill as requested anyway.
    public var actual: ActualUsage {
        if let billableSeconds { return .videoSeconds(String(billableSeconds)) }
        if let images { return .images(images) }
        return .asRequested
    }
}
