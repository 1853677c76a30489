/// How many images an image task bills.
public enum ImageCount: Sendable, Equatable, Hashable {
    /// `n`, or a numeric `series_amount`: always what is billed.
    case fixed(Int)
    /// `series_amount: "auto"`: reserve `max`, bill the images produced.
    case auto(max: Int)

    /// The most a series may hold.
    public static let seriesMax = 9
}
