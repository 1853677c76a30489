// Why a price could not be computed. Every case carries a message that names
// the offending field, row or combination, so callers can show it as is.
public enum PricingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The price book breaks a rule (an admin PUT, or a stored book that no longer parses).
    case invalidBook(String)
    /// The book has no row for the requested combination: refused, never priced at zero.
    case noPrice(String)
    /// The request itself cannot be priced (a negative duration or count).
    case invalidRequest(String)
    /// The upstream's reported usage cannot be read (a duration that is not a decimal).
    case invalidUsage(String)
    /// An amount does not fit in Int64 micro-units.
    case overflow(String)

    public var message: String {
        switch self {
        case .invalidBook(let text), .noPrice(let text), .invalidRequest(let text),
             .invalidUsage(let text), .overflow(let text):
            return text
        }
    }

    public var description: String { message }
}
