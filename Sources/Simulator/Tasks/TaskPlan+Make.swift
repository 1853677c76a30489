import Kling
import Pricing

extension TaskPlan {
    /// A video's plan: the requested duration plus 41 ms, as the upstream
    /// reports ("5.041"); a base edit lasts as long as its input.
    static func video(_ request: VideoRequest, config: SimulatorConfig) throws(KlingError) -> TaskPlan {
        let output: Output
        let actual: ActualUsage
        if request.isEdit {
            let url = request.body["video_list"]?.arrayValue?.first?["video_url"]?.stringValue ?? ""
            let seconds = try EditInput.seconds(videoURL: url, request: request, defaultSeconds: config.defaultEditInputSeconds)
            output = .video(duration: seconds, parent: ParentVideo(url: url, duration: seconds))
            actual = .videoSeconds(seconds)
        } else {
            output = .video(duration: "\(request.durationSeconds ?? 5).041", parent: nil)
            actual = .asRequested
        }
        return TaskPlan(
            output: output,
            finalUnitDeduction: try deduction(request.priceRequest, actual: actual, unitMicros: UnitText.videoUnitMicros),
            requestedFailure: PromptMarkers.requestsFailure(request.body)
        )
    }

    /// An image task's plan: `n` images, `series_amount` images, or for an
    /// auto series `[sim:series=K]` from the prompt or the configured count.
    static func image(_ request: ImageRequest, config: SimulatorConfig) throws(KlingError) -> TaskPlan {
        let count: Int
        let actual: ActualUsage
        switch request.count {
        case .fixed(let amount):
            count = amount
            actual = .asRequested
        case .auto(let most):
            let wanted = PromptMarkers.seriesCount(request.body) ?? config.autoSeriesCount
            count = min(Swift.max(wanted, 2), most)
            actual = .images(count)
        }
        return TaskPlan(
            output: .images(resultType: request.resultType, count: count),
            finalUnitDeduction: try deduction(request.priceRequest, actual: actual, unitMicros: UnitText.imageUnitMicros),
            requestedFailure: PromptMarkers.requestsFailure(request.body)
        )
    }

    /// The upstream charges list price: the default book's settlement, in units.
    private static func deduction(_ request: PriceRequest, actual: ActualUsage, unitMicros: Int64) throws(KlingError) -> String {
        do {
            let settlement = try settle(request, book: .default2026, actual: actual)
            return UnitText.units(micros: settlement.chargeMicros, unitMicros: unitMicros)
        } catch {
            throw KlingError(error)
        }
    }
}
