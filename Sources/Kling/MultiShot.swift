/// kling-v3-omni's multi-shot storyboard: `shot_type` and `multi_prompt`.
/// Read only when multi_shot is true (the upstream ignores both otherwise).
enum MultiShot {
    static let shotTypes = ["customize", "intelligence"]
    static let maxShots = 6
    static let maxShotPromptCharacters = 512

    /// The shot_type; required when multi_shot is true.
    static func shotType(_ body: FieldReader) throws(KlingError) -> String {
        guard let shotType = try body.choice("shot_type", shotTypes) else {
            throw body.invalid("shot_type", "required when multi_shot is true")
        }
        return shotType
    }

    /// Checks multi_prompt: 1 to 6 shots of {index, prompt ≤ 512, duration ≥ 1}
    /// whose durations sum to the task's. Required for customize; for
    /// intelligence (the upstream storyboards the prompt) it is optional.
    /// `totalSeconds` is nil for a base edit, whose length is the input's.
    static func checkShots(_ body: FieldReader, shotType: String, totalSeconds: Int?) throws(KlingError) {
        guard let shots = try body.objectItems("multi_prompt") else {
            if shotType == "customize" { throw body.invalid("multi_prompt", "required when shot_type is customize") }
            return
        }
        guard (1...maxShots).contains(shots.count) else {
            throw body.invalid("multi_prompt", "must hold 1 to \(maxShots) shots, got \(shots.count)")
        }
        var sum = 0
        for shot in shots {
            guard try shot.integer("index") != nil else { throw shot.invalid("index", "required") }
            guard let prompt = try shot.string("prompt"), prompt.contains(where: { !$0.isWhitespace }) else {
                throw shot.invalid("prompt", "required")
            }
            guard prompt.count <= maxShotPromptCharacters else {
                throw shot.invalid("prompt", "at most \(maxShotPromptCharacters) characters, got \(prompt.count)")
            }
            guard let seconds = try shot.seconds("duration") else { throw shot.invalid("duration", "required") }
            guard seconds >= 1 else { throw shot.invalid("duration", "must be at least 1 second, got \(seconds)") }
            // Each shot is ≤ 15 s here, so the sum cannot overflow.
            guard seconds <= VideoModel.klingV3Omni.durations.upperBound else {
                throw shot.invalid("duration", "must not exceed the task duration, got \(seconds)")
            }
            sum += seconds
        }
        if let totalSeconds, sum != totalSeconds {
            throw body.invalid("multi_prompt", "shot durations sum to \(sum) seconds, must equal duration \(totalSeconds)")
        }
    }
}
