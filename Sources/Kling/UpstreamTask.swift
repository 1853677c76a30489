import Pricing

/// A task as the upstream reports it, from a query's or a callback's `data`:
/// what settlement needs, nothing more.
public struct UpstreamTask: Sendable, Equatable {
    public var taskID: String
    public var status: UpstreamTaskStatus
    public var statusMessage: String?
    /// task_info.external_task_id: the gateway's own task id, as it was submitted.
    public var externalTaskID: String?
    /// task_info.parent_video.duration: an edit's input length (callbacks carry it).
    public var parentVideoDuration: String?
    public var videos: [UpstreamVideo]
    /// task_result.images plus task_result.series_images.
    public var imageCount: Int
    /// The upstream's own charge in its units ("4"), for reconciliation only.
    public var finalUnitDeduction: String?

    public init(
        taskID: String, status: UpstreamTaskStatus, statusMessage: String? = nil, externalTaskID: String? = nil,
        parentVideoDuration: String? = nil, videos: [UpstreamVideo] = [], imageCount: Int = 0,
        finalUnitDeduction: String? = nil
    ) {
        self.taskID = taskID
        self.status = status
        self.statusMessage = statusMessage
        self.externalTaskID = externalTaskID
        self.parentVideoDuration = parentVideoDuration
        self.videos = videos
        self.imageCount = imageCount
        self.finalUnitDeduction = finalUnitDeduction
    }

    /// What the upstream made, as far as it changes the bill: an edit's input
    /// length (the parent video's, else the output's, which is as long), or an
    /// auto series' image count. Everything else bills as requested; so does
    /// an edit whose length is not reported (the reservation, which errs high).
    public func actualUsage(for request: PriceRequest) -> ActualUsage {
        switch request {
        case .video(let video):
            guard case .edit = video.seconds, let duration = parentVideoDuration ?? videos.first?.duration else {
                return .asRequested
            }
            return .videoSeconds(duration)
        case .image(let image):
            guard case .auto = image.count else { return .asRequested }
            return .images(imageCount)
        }
    }
}
