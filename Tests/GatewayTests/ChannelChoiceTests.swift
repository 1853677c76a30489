import Foundation
import Gateway
import Testing

/// The pure routing decision and the circuit, without a database (docs/channels.md).
@Suite struct ChannelChoiceTests {
    typealias Candidate = ChannelChoice.Candidate

    @Test func weightsShareAThousandSeededPicksWithinTolerance() {
        var random = SplitMix64(seed: 42)
        let candidates = [Candidate(id: "a", priority: 1, weight: 1), Candidate(id: "b", priority: 1, weight: 3),
                          Candidate(id: "c", priority: 2, weight: 100)]
        var picks: [String: Int] = [:]
        for _ in 0..<1000 { picks[ChannelChoice.pick(candidates, using: &random)!.id, default: 0] += 1 }
        // expected 250 / 750; ±50 is more than 3.6 standard deviations (σ ≈ 13.7)
        #expect((200...300).contains(picks["a", default: 0]), "\(picks)")
        #expect((700...800).contains(picks["b", default: 0]), "\(picks)")
        #expect(picks["c"] == nil, "a higher priority number is only a fallback")
    }

    @Test func theSameSeedPicksTheSameSequence() {
        let candidates = [Candidate(id: "a", priority: 1, weight: 2), Candidate(id: "b", priority: 1, weight: 5)]
        var first = SplitMix64(seed: 9)
        var second = SplitMix64(seed: 9)
        let one = (0..<50).map { _ in ChannelChoice.pick(candidates, using: &first)!.id }
        let two = (0..<50).map { _ in ChannelChoice.pick(candidates, using: &second)!.id }
        #expect(one == two)
    }

    @Test func theLowestPriorityWinsAndAnOpenCircuitIsSkipped() {
        var random = SplitMix64(seed: 1)
        let open = [Candidate(id: "a", priority: 1, weight: 1, admitted: false), Candidate(id: "b", priority: 5, weight: 1)]
        #expect(ChannelChoice.pick(open, using: &random)?.id == "b")
        let closed = [Candidate(id: "a", priority: 1, weight: 1), Candidate(id: "b", priority: 5, weight: 1)]
        #expect(ChannelChoice.pick(closed, using: &random)?.id == "a")
    }

    @Test func withEveryCircuitOpenTheUsualOrderStillTakesTheWork() {
        var random = SplitMix64(seed: 1)
        let candidates = [Candidate(id: "a", priority: 1, weight: 1, admitted: false), Candidate(id: "b", priority: 5, weight: 1, admitted: false)]
        #expect(ChannelChoice.pick(candidates, using: &random)?.id == "a")
        #expect(ChannelChoice.pick([], using: &random) == nil)
    }

    @Test func weightZeroTakesWorkOnlyWhenEveryWeightThereIsZero() {
        var random = SplitMix64(seed: 3)
        let mixed = [Candidate(id: "zero", priority: 1, weight: 0), Candidate(id: "one", priority: 1, weight: 1)]
        #expect((0..<200).allSatisfy { _ in ChannelChoice.pick(mixed, using: &random)?.id == "one" })
        let zeros = [Candidate(id: "x", priority: 1, weight: 0), Candidate(id: "y", priority: 1, weight: 0)]
        let ids = Set((0..<200).compactMap { _ in ChannelChoice.pick(zeros, using: &random)?.id })
        #expect(ids == ["x", "y"])
    }

    @Test func theCircuitOpensAfterFiveFailuresAndAProbeClosesIt() {
        let start = ContinuousClock.now
        var breaker = CircuitBreaker()
        for failure in 1...4 {
            breaker.failed(at: start)
            #expect(breaker.state(at: start) == .closed, "after \(failure) failures")
        }
        breaker.failed(at: start)
        #expect(breaker.state(at: start) == .open)
        #expect(!breaker.admits(at: start + .seconds(29)))
        let later = start + .seconds(30)
        #expect(breaker.state(at: later) == .halfOpen)
        #expect(breaker.admits(at: later))
        breaker.picked(at: later)
        #expect(!breaker.admits(at: later + .seconds(1)), "one probe at a time")
        breaker.succeeded()
        #expect(breaker.state(at: later) == .closed)
        #expect(breaker.consecutiveFailures == 0)
    }

    @Test func aSuccessBetweenFailuresStartsTheCountAgain() {
        let now = ContinuousClock.now
        var breaker = CircuitBreaker()
        for _ in 1...4 { breaker.failed(at: now) }
        breaker.succeeded()
        for _ in 1...4 { breaker.failed(at: now) }
        #expect(breaker.state(at: now) == .closed)
    }

    @Test func aFailedProbeOpensTheCircuitAgain() {
        let start = ContinuousClock.now
        var breaker = CircuitBreaker()
        for _ in 1...5 { breaker.failed(at: start) }
        let probeAt = start + .seconds(31)
        breaker.picked(at: probeAt)
        breaker.failed(at: probeAt)
        #expect(breaker.state(at: probeAt + .seconds(29)) == .open)
        #expect(breaker.state(at: probeAt + .seconds(30)) == .halfOpen)
    }

    @Test func aProbeWhoseAnswerNeverCameLapses() {
        let start = ContinuousClock.now
        var breaker = CircuitBreaker()
        for _ in 1...5 { breaker.failed(at: start) }
        breaker.picked(at: start + .seconds(30))
        #expect(!breaker.admits(at: start + .seconds(59)))
        #expect(breaker.admits(at: start + .seconds(60)))
    }
}
