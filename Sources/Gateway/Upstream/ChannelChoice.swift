/// Which channel a submission goes to (docs/channels.md, "Routing and failover"): a pure function of
/// the candidates (enabled, allowing the model, not yet tried for this task), their circuits and a
/// random source. The lowest `priority` wins; within it a channel is drawn with probability
/// weight / (sum of weights), or evenly when every weight there is 0. Channels whose circuit is open
/// are skipped, unless every candidate's is: the breaker steers work away from a failing channel, it
/// never refuses work that some channel might take.
public enum ChannelChoice {
    public struct Candidate: Sendable, Equatable {
        public var id: String
        public var priority: Int
        public var weight: Int
        public var admitted: Bool

        public init(id: String, priority: Int, weight: Int, admitted: Bool = true) {
            self.id = id
            self.priority = priority
            self.weight = weight
            self.admitted = admitted
        }
    }

    public static func pick<R: RandomNumberGenerator>(_ candidates: [Candidate], using random: inout R) -> Candidate? {
        let admitted = candidates.filter(\.admitted)
        let pool = admitted.isEmpty ? candidates : admitted
        guard let best = pool.map(\.priority).min() else { return nil }
        let group = pool.filter { $0.priority == best }
        let total = group.reduce(UInt64(0)) { $0 + UInt64(max(0, $1.weight)) }
        guard total > 0 else { return group[Int.random(in: 0..<group.count, using: &random)] }
        var draw = UInt64.random(in: 0..<total, using: &random)
        for candidate in group {
            let weight = UInt64(max(0, candidate.weight))
            if draw < weight { return candidate }
            draw -= weight
        }
        return group.last
    }
}
