/// A request as it was priced at reservation: its inputs and the terms of the
/// book actually used. Stored with the task, it is all settlement needs: no
/// book lookup and no validation of the original body (see docs/money.md).
public struct PricedRequest: Codable, Sendable, Equatable, Hashable {
    public var request: PriceRequest
    public var terms: PriceTerms
    public var currency: String

    public init(request: PriceRequest, terms: PriceTerms, currency: String) {
        self.request = request
        self.terms = terms
        self.currency = currency
    }
}

/// Looks up the terms of `request` in `book`. A combination the book has no row for is refused.
public func price(_ request: PriceRequest, book: PriceBook) throws(PricingError) -> PricedRequest {
    switch request {
    case .video(let video):
        return PricedRequest(request: request, terms: try PriceTerms.video(video, book: book), currency: book.currency)
    case .image(let image):
        return PricedRequest(request: request, terms: try PriceTerms.image(image, book: book), currency: book.currency)
    }
}
