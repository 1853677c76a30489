import Kling

/// Magic text in a prompt that lets a demo or a test choose an outcome
/// without touching the simulator: `[sim:fail]`, `[sim:series=K]`.
enum PromptMarkers {
    static let fail = "[sim:fail]"
    static let seriesPrefix = "[sim:series="

    static func prompt(_ body: [String: JSONValue]) -> String {
        body["prompt"]?.stringValue ?? ""
    }

    /// The task is to end failed.
    static func requestsFailure(_ body: [String: JSONValue]) -> Bool {
        prompt(body).contains(fail)
    }

    /// K of `[sim:series=K]`, when the prompt has one with a whole number.
    static func seriesCount(_ body: [String: JSONValue]) -> Int? {
        let text = prompt(body)
        guard let start = text.range(of: seriesPrefix),
              let end = text[start.upperBound...].firstIndex(of: "]")
        else { return nil }
        return Int(text[start.upperBound..<end])
    }
}
