import Foundation

/// A token bucket per key (a task id, a bearer token), kept in memory and bounded in size: the least
/// recently used keys are forgotten first. `take` answers nil when allowed, else seconds to wait.
actor KeyedRateLimiter {
    let burst: Double
    let perSecond: Double
    let maxKeys: Int
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    init(burst: Int, perSecond: Double, maxKeys: Int = 50_000) {
        self.burst = Double(burst)
        self.perSecond = perSecond
        self.maxKeys = maxKeys
    }

    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        var bucket = buckets[key] ?? (burst, now)
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
        bucket.at = now
        defer {
            buckets[key] = bucket
            if buckets.count > maxKeys { forgetOldest() }
        }
        guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
        bucket.tokens -= 1
        return nil
    }

    private func forgetOldest() {
        let sorted = buckets.sorted { $0.value.at < $1.value.at }
        for (key, _) in sorted.prefix(buckets.count - maxKeys * 9 / 10) { buckets.removeValue(forKey: key) }
    }
}
