/// Failures to inject, all off by default. A rate is the chance, from 0 to 1,
/// that one request (or one task) is hit; draws come from the seeded generator.
public struct SimulatorFaults: Sendable, Equatable {
    /// Sleep this long before answering a create.
    public var submitDelay: Duration
    /// Answer a create 500 (code 5000) and create nothing.
    public var submitErrorRate: Double
    /// Answer a create 429 (code 1302, rate limit) and create nothing.
    public var submitRateLimitRate: Double = 0
    /// Refuse a valid create 400 (code 1301, content safety) and create nothing.
    public var submitRefusalRate: Double
    /// Create the task, then lose the answer: 504 (code 5002), or a dropped
    /// connection when `lostAnswerDropsConnection`. The caller must find the
    /// task again by its external_task_id.
    public var lostAnswerRate: Double
    public var lostAnswerDropsConnection: Bool
    /// Answer a query or list 500 (code 5000).
    public var queryErrorRate: Double
    /// Answer a query or list 429 (code 1302).
    public var queryRateLimitRate: Double
    /// A created task ends failed instead of succeed.
    public var taskFailureRate: Double
    /// Create the task, then answer 500 (code 5000) as a failing front end would after the fact.
    public var createdErrorRate: Double
    /// Create the task, then wait `slowAnswerDelay` before answering (past a client's timeout, if long).
    public var slowAnswerRate: Double
    public var slowAnswerDelay: Duration

    public init(
        submitDelay: Duration = .zero,
        submitErrorRate: Double = 0,
        submitRefusalRate: Double = 0,
        lostAnswerRate: Double = 0,
        lostAnswerDropsConnection: Bool = false,
        queryErrorRate: Double = 0,
        queryRateLimitRate: Double = 0,
        taskFailureRate: Double = 0,
        createdErrorRate: Double = 0,
        slowAnswerRate: Double = 0,
        slowAnswerDelay: Duration = .seconds(2)
    ) {
        self.submitDelay = submitDelay
        self.submitErrorRate = submitErrorRate
        self.submitRefusalRate = submitRefusalRate
        self.lostAnswerRate = lostAnswerRate
        self.lostAnswerDropsConnection = lostAnswerDropsConnection
        self.queryErrorRate = queryErrorRate
        self.queryRateLimitRate = queryRateLimitRate
        self.taskFailureRate = taskFailureRate
        self.createdErrorRate = createdErrorRate
        self.slowAnswerRate = slowAnswerRate
        self.slowAnswerDelay = slowAnswerDelay
    }

    /// No fault at all.
    public static let none = SimulatorFaults()
}
