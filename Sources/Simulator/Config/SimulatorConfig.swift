/// How the simulated upstream behaves. Every field has a default, so tests
/// set only what they care about.
public struct SimulatorConfig: Sendable {
    /// When set, the bearer token must equal it (else 401, code 1002).
    /// When nil, any token is accepted and each token is its own account.
    public var apiKey: String?
    /// Kling AK/SK accounts, access key → secret key. When set, requests must carry a Kling JWT
    /// (HS256) signed with one of them (else 401), and `apiKey` is not used.
    public var jwtKeys: [String: String] = [:]
    /// A task turns from submitted to processing this long after creation.
    public var processingAfter: Duration
    /// A task ends (succeed or failed) this long after creation.
    public var taskDuration: Duration
    /// Seeds the random draws of the fault rates, so a run can be repeated.
    public var seed: UInt64
    /// Signs callbacks per Standard Webhooks when set (see `WebhookSigner` for
    /// how the secret becomes the key).
    public var webhookSecret: String?
    public var faults: SimulatorFaults
    /// An edit's input length when its video_url carries no `duration=` parameter.
    public var defaultEditInputSeconds: String
    /// How many images a `series_amount: "auto"` series produces (2 to 9),
    /// unless the prompt says `[sim:series=K]`.
    public var autoSeriesCount: Int
    /// The oldest tasks are forgotten beyond this many.
    public var maxTasks: Int
    /// Deliveries of one callback before it is given up.
    public var callbackAttempts: Int
    /// How long one callback delivery may take.
    public var callbackTimeout: Duration
    /// Where the fake result files are said to be.
    public var assetBaseURL: String

    public init(
        apiKey: String? = nil,
        processingAfter: Duration = .milliseconds(200),
        taskDuration: Duration = .seconds(1),
        seed: UInt64 = 1,
        webhookSecret: String? = nil,
        faults: SimulatorFaults = SimulatorFaults(),
        defaultEditInputSeconds: String = "7.5",
        autoSeriesCount: Int = 6,
        maxTasks: Int = 1_000_000,
        callbackAttempts: Int = 5,
        callbackTimeout: Duration = .seconds(5),
        assetBaseURL: String = "https://assets.upstream-simulator.invalid"
    ) {
        self.apiKey = apiKey
        self.processingAfter = processingAfter
        self.taskDuration = taskDuration
        self.seed = seed
        self.webhookSecret = webhookSecret
        self.faults = faults
        self.defaultEditInputSeconds = defaultEditInputSeconds
        self.autoSeriesCount = autoSeriesCount
        self.maxTasks = maxTasks
        self.callbackAttempts = callbackAttempts
        self.callbackTimeout = callbackTimeout
        self.assetBaseURL = assetBaseURL
    }
}

extension Duration {
    /// The duration in seconds, for date arithmetic.
    var timeInterval: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
