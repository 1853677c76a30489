import Kling

/// Magic text in a prompt that lets a demo or a test choose an outcome
/// without touching the simulator: `[sim:fail]`, `[sim:series=K]`, and the create faults
/// `[sim:lost-answer]` (504 after the task is made), `[sim:error-after-create]` (500 after the task is
/// made), `[sim:slow-answer]` (answered after the slow-answer delay), so a load script can choose per task.
enum PromptMarkers {
    static let fail = "[sim:fail]"
    static let seriesPrefix = "[sim:series="
    static let lostAnswer = "[sim:lost-answer]"
    static let errorAfterCreate = "[sim:error-after-create]"
    static let slowAnswer = "[sim:slow-answer]"

    static func has(_ marker: String, _ body: [String: JSONValue]) -> Bool {
        prompt(body).contains(marker)
    }

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
