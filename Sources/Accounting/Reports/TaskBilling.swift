/// `billing` as the tenant API shows it: charges and late charges together in `charged_micros`.
public struct TaskBilling: Sendable, Encodable {
    public var currency: String
    public var state: String
    public var reservedMicros: Int64
    public var chargedMicros: Int64
    public var releasedMicros: Int64
}

extension TaskSummary {
    public var billing: TaskBilling {
        TaskBilling(currency: currency, state: billingState, reservedMicros: reservedMicros,
                    chargedMicros: chargedMicros + lateChargedMicros, releasedMicros: releasedMicros)
    }
}
