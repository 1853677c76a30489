/// How many seconds a video task bills.
public enum VideoSeconds: Sendable, Equatable, Hashable {
    /// The requested `duration`: always what is billed.
    case fixed(Int)
    /// A base-video edit: the output is as long as the input, which is known
    /// only afterwards, so the reservation takes the longest input the model accepts.
    case edit(maxSeconds: Int)
}
