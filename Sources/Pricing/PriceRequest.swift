/// What a task costs depends on: the kind of task and the inputs below.
/// The Kling module builds one from a validated, normalized request body.
public enum PriceRequest: Sendable, Equatable, Hashable {
    case video(VideoPriceRequest)
    case image(ImagePriceRequest)
}
