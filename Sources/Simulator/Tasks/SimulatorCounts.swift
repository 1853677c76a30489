/// Requests the simulator received and callbacks it made, for assertions
/// such as "the gateway submitted exactly once".
public struct SimulatorCounts: Sendable, Equatable {
    /// Every create request that passed authentication, whatever its outcome.
    public var createCalls = 0
    /// Every query of one task that passed authentication.
    public var queryCalls = 0
    /// Every list request that passed authentication.
    public var listCalls = 0
    /// Requests refused at sign-in (401): no token, a wrong key, or a JWT that does not verify.
    public var authRefusals = 0
    /// Callbacks answered 2xx.
    public var callbacksDelivered = 0
    /// Callbacks given up after every attempt failed.
    public var callbacksFailed = 0

    public init() {}
}
