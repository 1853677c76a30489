/// One video of a task's result.
public struct UpstreamVideo: Sendable, Equatable {
    public var id: String?
    public var url: String?
    /// Seconds as the upstream's decimal text, e.g. "5.041".
    public var duration: String?

    public init(id: String? = nil, url: String? = nil, duration: String? = nil) {
        self.id = id
        self.url = url
        self.duration = duration
    }
}
