import Accounting
import Foundation
import Gateway
import Kling
import Testing

/// Every branch of what the follower does with an upstream answer, without a database.
@Suite struct FollowDecisionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let timeout = 3600.0
    static let fresh = now.addingTimeInterval(-60)
    static let old = now.addingTimeInterval(-7200)

    static func found(_ status: UpstreamTaskStatus, message: String? = nil) -> UpstreamClient.QueryOutcome {
        .found(UpstreamTask(taskID: "up-1", status: status, statusMessage: message), data: .null)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var state: TaskState
        var attempts: Int = 1
        var started: Date = FollowDecisionTests.fresh
        var answer: UpstreamClient.QueryOutcome
        var expected: FollowDecision
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "success settles", state: .processing, answer: found(.succeed), expected: .settleSucceeded),
        Row(name: "success settles even when overdue", state: .submitted, started: old, answer: found(.succeed), expected: .settleSucceeded),
        Row(name: "failure settles with its message", state: .processing, answer: found(.failed, message: "nsfw"), expected: .settleFailed(message: "nsfw")),
        Row(name: "failure without a message", state: .submitted, answer: found(.failed), expected: .settleFailed(message: "failed upstream")),
        Row(name: "still running is looked at again", state: .submitted, answer: found(.processing),
            expected: .reschedule(after: .poll, state: .processing, upstreamTaskID: "up-1")),
        Row(name: "found while reserved records the id", state: .reserved, answer: found(.submitted),
            expected: .reschedule(after: .poll, state: .submitted, upstreamTaskID: "up-1")),
        Row(name: "an unknown status is kept, not failed", state: .processing, answer: found(.other("queued")),
            expected: .reschedule(after: .poll, state: .submitted, upstreamTaskID: "up-1")),
        Row(name: "running past the timeout expires", state: .processing, started: old, answer: found(.processing), expected: .expire),
        Row(name: "unavailable backs off", state: .submitted, answer: .unavailable("HTTP 503"), expected: .reschedule(after: .backoff)),
        Row(name: "unavailable past the timeout expires", state: .submitted, started: old, answer: .unavailable("HTTP 503"), expected: .expire),
        Row(name: "not found after submission backs off", state: .submitted, answer: .notFound, expected: .reschedule(after: .backoff)),
        Row(name: "not found past the timeout expires", state: .reserved, started: old, answer: .notFound, expected: .expire),
        Row(name: "never sent and not upstream is released", state: .reserved, attempts: 0, answer: .notFound, expected: .releaseNeverSent),
        Row(name: "sent with an unknown outcome and not upstream is sent again", state: .reserved, attempts: 2, answer: .notFound, expected: .resubmit),
        Row(name: "sent too often is given up", state: .reserved, attempts: FollowDecision.maxSubmitAttempts, answer: .notFound, expected: .giveUpSubmitting),
        Row(name: "a success after expiry is charged late", state: .expired, started: old, answer: found(.succeed), expected: .settleSucceeded),
        Row(name: "a failure after expiry changes nothing", state: .expired, started: old, answer: found(.failed), expected: .leave),
        Row(name: "an ended task is left alone", state: .succeeded, answer: found(.succeed), expected: .leave),
        Row(name: "a released task is left alone", state: .failed, answer: .notFound, expected: .leave),
    ]

    @Test(arguments: rows)
    func theDecisionFollowsFromTheTaskTheAnswerAndTheClock(_ row: Row) {
        let progress = FollowDecision.Progress(state: row.state, submitAttempts: row.attempts, startedAt: row.started)
        #expect(FollowDecision.decide(progress, answer: row.answer, now: Self.now, timeoutSeconds: Self.timeout) == row.expected)
    }
}
