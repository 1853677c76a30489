/// What a task produces if it succeeds, fixed when it is created.
struct TaskPlan: Sendable {
    enum Output: Sendable {
        /// One video lasting `duration` seconds (decimal text, "5.041"); an
        /// edit also names its input video.
        case video(duration: String, parent: ParentVideo?)
        /// `count` images; `resultType` is single or series.
        case images(resultType: String, count: Int)
    }

    /// A base edit's input video, reported as task_info.parent_video.
    struct ParentVideo: Sendable {
        var url: String
        var duration: String
    }

    var output: Output
    /// The upstream's charge in its own units, as decimal text ("4").
    var finalUnitDeduction: String
    /// The prompt asked for a failure (`[sim:fail]`).
    var requestedFailure: Bool
}
