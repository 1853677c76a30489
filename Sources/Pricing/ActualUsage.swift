/// What the upstream reports it made, as far as it changes the bill.
public enum ActualUsage: Sendable, Equatable, Hashable {
    /// Bill what was requested (and reserved).
    case asRequested
    /// A base edit's input/output length as the upstream's decimal text ("7.5", "5.041").
    case videoSeconds(String)
    /// The images a series with `series_amount: "auto"` produced.
    case images(Int)
}
